package dev.unmask.data;

/** The outline of an {@link AnomalyRegion}. */
public enum AnomalyShape {
    /** An ellipse whose diameters are the region's width and height. */
    ELLIPSE,
    /** A rectangle of the region's width and height, turned by the region's angle. */
    ROTATED_RECTANGLE
}
