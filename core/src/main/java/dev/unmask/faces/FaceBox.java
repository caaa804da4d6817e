package dev.unmask.faces;

/**
 * A face's bounding box in image pixels: the top-left corner {@code (x, y)} and the size.
 */
public record FaceBox(int x, int y, int width, int height) {
    public FaceBox {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a face box needs a positive size, got " + width + "x" + height);
        }
    }

    /** Intersection over union with {@code other}, in [0, 1]. */
    public double iou(FaceBox other) {
        long ix = Math.max(0, (long) Math.min(x + width, other.x + other.width) - Math.max(x, other.x));
        long iy = Math.max(0, (long) Math.min(y + height, other.y + other.height) - Math.max(y, other.y));
        double intersection = (double) ix * iy;
        double union = (double) width * height + (double) other.width * other.height - intersection;
        return intersection / union;
    }
}
