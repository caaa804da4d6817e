package dev.unmask.data;

/** The part of a face a manipulation changed. */
public enum FaceRegion {
    /** Nothing: an unmanipulated (real) sample. */
    NONE,
    /** Both eyes with their brows. */
    EYES,
    /** From below the eyes to the nostrils. */
    NOSE,
    /** Lips and the skin just around them. */
    MOUTH,
    /** Every pixel of the image. */
    WHOLE
}
