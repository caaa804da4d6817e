package dev.unmask.data;

/**
 * Where a synthetic anomaly sits, in pixel units of the image: x to the right, y down, pixel (x, y) covering
 * the unit square from (x, y) to (x + 1, y + 1), so its centre is (x + 0.5, y + 0.5). The shape's own axes are
 * the image axes turned by {@code angle} (clockwise on screen, as y points down): a point p has shape
 * coordinates {@code u = cos(angle) (p.x - centreX) + sin(angle) (p.y - centreY)} along the width and
 * {@code v = -sin(angle) (p.x - centreX) + cos(angle) (p.y - centreY)} along the height.
 *
 * @param shape the outline
 * @param centreX centre, x
 * @param centreY centre, y
 * @param width extent along u (an ellipse's diameter, a rectangle's side), positive
 * @param height extent along v, positive
 * @param angle turn of the shape's axes in radians
 */
public record AnomalyRegion(AnomalyShape shape, double centreX, double centreY, double width, double height,
                            double angle) {
    public AnomalyRegion {
        if (shape == null) {
            throw new IllegalArgumentException("an anomaly region needs a shape");
        }
        if (!(width > 0 && height > 0) || !Double.isFinite(width) || !Double.isFinite(height)
                || !Double.isFinite(centreX) || !Double.isFinite(centreY) || !Double.isFinite(angle)) {
            throw new IllegalArgumentException("anomaly region needs finite coordinates and positive sides, got "
                    + width + " x " + height + " at (" + centreX + ", " + centreY + "), angle " + angle);
        }
    }

    /**
     * 0 at the centre, 1 on the outline, above 1 outside: for the ellipse {@code sqrt((2u/width)^2 +
     * (2v/height)^2)}, for the rectangle {@code max(|2u/width|, |2v/height|)}.
     */
    public double normalisedDistance(double x, double y) {
        double dx = x - centreX;
        double dy = y - centreY;
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        double u = 2 * (cos * dx + sin * dy) / width;
        double v = 2 * (-sin * dx + cos * dy) / height;
        return shape == AnomalyShape.ELLIPSE ? Math.sqrt(u * u + v * v) : Math.max(Math.abs(u), Math.abs(v));
    }

    /** True when the centre of pixel (x, y) lies strictly inside the outline: the pixel belongs to the mask. */
    public boolean containsPixel(int x, int y) {
        return normalisedDistance(x + 0.5, y + 0.5) < 1;
    }

    /** The area inside the outline in square pixels: {@code pi/4 width height} or {@code width height}. */
    public double area() {
        return shape == AnomalyShape.ELLIPSE ? Math.PI / 4 * width * height : width * height;
    }

    /** Half the width of the axis-aligned box around the outline. */
    public double halfExtentX() {
        double a = Math.abs(StrictMath.cos(angle));
        double b = Math.abs(StrictMath.sin(angle));
        return shape == AnomalyShape.ELLIPSE
                ? 0.5 * StrictMath.hypot(width * a, height * b)
                : 0.5 * (width * a + height * b);
    }

    /** Half the height of the axis-aligned box around the outline. */
    public double halfExtentY() {
        double a = Math.abs(StrictMath.cos(angle));
        double b = Math.abs(StrictMath.sin(angle));
        return shape == AnomalyShape.ELLIPSE
                ? 0.5 * StrictMath.hypot(width * b, height * a)
                : 0.5 * (width * b + height * a);
    }
}
