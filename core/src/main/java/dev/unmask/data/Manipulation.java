package dev.unmask.data;

/** What {@link SynthFaces} did to a face; see {@link SynthFaces#manipulate} for each kind's recipe. */
public enum Manipulation {
    /** Unchanged: a real sample. */
    NONE,
    /** The region taken from another synthetic face, blended in with a feathered edge. */
    REGION_SWAP,
    /** The region downsampled and upsampled again, by nearest neighbour or a checkerboard transposed conv. */
    UPSAMPLING,
    /** The region's colour shifted by per-channel gains and offsets, feathered edge. */
    COLOUR_MISMATCH,
    /** The region Gaussian-blurred. */
    BLUR,
    /** The region (or the whole image) JPEG-compressed twice, the second time at a lower quality. */
    DOUBLE_JPEG
}
