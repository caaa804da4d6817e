package dev.unmask.faces;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * An 8-bit grey image, row-major: the pixel at column {@code x}, row {@code y} is
 * {@code pixels[y * width + x] & 0xFF}. This is what a cascade is evaluated on (OpenCV's {@code CV_8UC1}).
 */
public final class GrayImage {
    /**
     * OpenCV 4.6's fixed-point {@code COLOR_BGR2GRAY} for 8-bit images:
     * {@code grey = (3735 B + 19235 G + 9798 R + 2^14) >> 15}, the BT.601 weights 0.114, 0.587, 0.299 scaled
     * by 2^15 (they sum to 2^15, so a grey colour keeps its level). The golden script checks this formula
     * against {@code cv2.cvtColor} on all 2^24 colours.
     */
    private static final int BLUE_WEIGHT = 3735;
    private static final int GREEN_WEIGHT = 19235;
    private static final int RED_WEIGHT = 9798;
    private static final int GRAY_SHIFT = 15;

    private final int width;
    private final int height;
    private final byte[] pixels;

    /**
     * Wraps {@code pixels} (not copied).
     *
     * @throws IllegalArgumentException when a dimension is not positive or the array length is not
     *     {@code width * height}
     */
    public GrayImage(int width, int height, byte[] pixels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs "
                    + (long) width * height + " pixels, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /**
     * The grey image OpenCV gets from the same picture: {@code cv2.cvtColor(bgr, COLOR_BGR2GRAY)} on the 8-bit
     * colour values (alpha ignored). A single-band grey image is taken sample by sample (16-bit levels shifted
     * right by 8), as {@code cv2.imread} then {@code cvtColor} leave a grey level unchanged.
     */
    public static GrayImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        Raster raster = image.getRaster();
        switch (image.getType()) {
            case BufferedImage.TYPE_3BYTE_BGR -> {
                if (raster.getDataBuffer() instanceof DataBufferByte buffer && isPackedRaster(raster, 3)) {
                    byte[] bgr = buffer.getData();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (byte) luma(bgr[3 * i] & 0xFF, bgr[3 * i + 1] & 0xFF, bgr[3 * i + 2] & 0xFF);
                    }
                    return new GrayImage(w, h, out);
                }
            }
            case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB -> {
                if (raster.getDataBuffer() instanceof DataBufferInt buffer && isPackedRaster(raster, 1)) {
                    int[] rgb = buffer.getData();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (byte) luma(rgb[i]);
                    }
                    return new GrayImage(w, h, out);
                }
            }
            default -> {
            }
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        if (raster.getNumBands() == 1 && (bits == 8 || bits == 16)
                && image.getColorModel() instanceof ComponentColorModel) {
            // 16-bit levels keep their high byte, as cv2.imread's conversion to 8 bits does
            int shift = bits - 8;
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (samples[i] >> shift);
            }
            return new GrayImage(w, h, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) luma(row[x]);
            }
        }
        return new GrayImage(w, h, out);
    }

    /** The grey level of a packed {@code 0xAARRGGBB} colour, as {@link #fromBufferedImage} computes it. */
    static int luma(int argb) {
        return luma(argb & 0xFF, (argb >> 8) & 0xFF, (argb >> 16) & 0xFF);
    }

    static int luma(int blue, int green, int red) {
        return (BLUE_WEIGHT * blue + GREEN_WEIGHT * green + RED_WEIGHT * red + (1 << (GRAY_SHIFT - 1))) >> GRAY_SHIFT;
    }

    /** True when the raster is the whole, unshifted, unpadded buffer of {@code elementsPerPixel} elements. */
    private static boolean isPackedRaster(Raster raster, int elementsPerPixel) {
        return raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer().getNumBanks() == 1
                && raster.getDataBuffer().getSize() == raster.getWidth() * raster.getHeight() * elementsPerPixel;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The level at column {@code x}, row {@code y}, 0..255. */
    public int get(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }

    /** The pixel array itself (shared, not a copy). */
    byte[] pixels() {
        return pixels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GrayImage other && width == other.width && height == other.height
                && Arrays.equals(pixels, other.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "GrayImage[" + width + "x" + height + "]";
    }
}
