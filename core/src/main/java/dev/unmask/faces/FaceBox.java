package dev.unmask.faces;

/**
 * An axis-aligned face rectangle in pixel coordinates: columns {@code x .. x + width - 1}, rows
 * {@code y .. y + height - 1}, as OpenCV's {@code Rect}.
 *
 * @param x left column
 * @param y top row
 * @param width columns, positive
 * @param height rows, positive
 */
public record FaceBox(int x, int y, int width, int height) {
    public FaceBox {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a face box needs a positive size, got " + width + "x" + height);
        }
    }

    /** Number of pixels covered. */
    public long area() {
        return (long) width * height;
    }

    /** Intersection over union: {@code |A n B| / |A u B|}, 0 for disjoint boxes and 1 for equal ones. */
    public double iou(FaceBox other) {
        long iw = Math.max(0, Math.min(x + width, other.x + other.width) - Math.max(x, other.x));
        long ih = Math.max(0, Math.min(y + height, other.y + other.height) - Math.max(y, other.y));
        long intersection = iw * ih;
        return (double) intersection / (area() + other.area() - intersection);
    }
}
