package dev.unmask.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Deterministic image kernels on {@link FloatImage}s (values in [-1, 1]) and the conversions to and from
 * {@link BufferedImage}. Every method returns a new image and leaves its input unchanged. Sampling
 * outside the image clamps to the nearest edge pixel, so a constant image stays constant under every
 * geometric operation and blur.
 */
public final class ImageOps {
    private static final float BYTE_SCALE = 127.5f;

    private ImageOps() {
    }

    /** The 8-bit level (0..255) nearest to a [-1, 1] value, clamped. */
    public static int toByte(float value) {
        int b = Math.round((value + 1f) * BYTE_SCALE);
        return b < 0 ? 0 : Math.min(b, 255);
    }

    /** The [-1, 1] value of an 8-bit level: {@code level / 127.5 - 1}. */
    public static float fromByte(int level) {
        return level / BYTE_SCALE - 1f;
    }

    /** Rounds every value to the nearest of the 256 levels an 8-bit image can hold. */
    public static FloatImage quantise(FloatImage image) {
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = fromByte(toByte(in[i]));
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /**
     * Converts to a float image with {@code channels} 1 (grey) or 3 (RGB), values {@code level / 127.5 - 1}.
     * Single-band 8-bit grey images are read sample by sample (no colour-space conversion); any other image
     * (colour, palette, 16-bit) goes through its colour model to 8-bit sRGB, and read as grey uses the
     * ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}; alpha is ignored.
     *
     * @throws ImageFileException when the float image would need more than {@link ImageFiles#MAX_DECODE_BYTES}
     *     (convert it subsampled with {@link #fromBufferedImage(BufferedImage, int, DecodeSize)})
     */
    public static FloatImage fromBufferedImage(BufferedImage image, int channels) {
        return fromBufferedImage(image, channels, DecodeSize.whole());
    }

    /**
     * As {@link #fromBufferedImage(BufferedImage, int)}, keeping the pixels {@code size} asks for: every
     * {@code step}-th pixel of every {@code step}-th row from the top-left one, as a subsampled decode of the
     * same image would.
     *
     * @throws ImageFileException when the float image would need more than {@link ImageFiles#MAX_DECODE_BYTES}
     */
    public static FloatImage fromBufferedImage(BufferedImage image, int channels, DecodeSize size) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int step = size.step(image.getWidth(), image.getHeight());
        long pixels = DecodeSize.subsampled(image.getWidth(), step) * DecodeSize.subsampled(image.getHeight(), step);
        long needed = pixels * Float.BYTES * channels;
        if (needed > ImageFiles.MAX_DECODE_BYTES) {
            throw new ImageFileException("picture", "a " + image.getWidth() + "x" + image.getHeight() + " picture "
                    + (step == 1 ? "whole" : "subsampled by " + step) + " needs " + (needed >> 20)
                    + " MB as floats, over the " + (ImageFiles.MAX_DECODE_BYTES >> 20) + " MB a conversion may use");
        }
        return toFloatImage(image, channels, step);
    }

    /**
     * The conversion of {@link #fromBufferedImage(BufferedImage, int, DecodeSize)} at {@code step}, one row at
     * a time (no whole-image int buffer); the caller has checked the memory.
     */
    static FloatImage toFloatImage(BufferedImage image, int channels, int step) {
        int width = image.getWidth();
        int w = (int) DecodeSize.subsampled(width, step);
        int h = (int) DecodeSize.subsampled(image.getHeight(), step);
        int plane = w * h;
        float[] out = new float[channels * plane];
        Raster raster = image.getRaster();
        ColorModel colours = image.getColorModel();
        boolean grey = raster.getNumBands() == 1 && raster.getSampleModel().getSampleSize(0) == 8
                && !(colours instanceof IndexColorModel)
                && colours.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int[] row = new int[width];
        for (int y = 0; y < h; y++) {
            if (grey) {
                raster.getSamples(0, y * step, width, 1, 0, row);
            } else {
                image.getRGB(0, y * step, width, 1, row, 0, width);
            }
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int v = row[x * step];
                if (grey) {
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + i] = fromByte(v);
                    }
                    continue;
                }
                int r = (v >> 16) & 0xFF;
                int g = (v >> 8) & 0xFF;
                int b = v & 0xFF;
                if (channels == 3) {
                    out[i] = fromByte(r);
                    out[plane + i] = fromByte(g);
                    out[2 * plane + i] = fromByte(b);
                } else {
                    out[i] = fromByte(Math.round(0.299f * r + 0.587f * g + 0.114f * b));
                }
            }
        }
        return new FloatImage(channels, h, w, out);
    }

    /** An 8-bit {@code TYPE_INT_RGB} (3 channels) or {@code TYPE_BYTE_GRAY} (1 channel) image. */
    public static BufferedImage toBufferedImage(FloatImage image) {
        int w = image.width();
        int h = image.height();
        int plane = image.planeSize();
        float[] d = image.data();
        if (image.channels() == 1) {
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster raster = out.getRaster();
            int[] samples = new int[plane];
            for (int i = 0; i < plane; i++) {
                samples[i] = toByte(d[i]);
            }
            raster.setSamples(0, 0, w, h, 0, samples);
            return out;
        }
        if (image.channels() != 3) {
            throw new IllegalArgumentException("only 1- or 3-channel images convert to BufferedImage, got "
                    + image.channels() + " channels");
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (toByte(d[i]) << 16) | (toByte(d[plane + i]) << 8) | toByte(d[2 * plane + i]);
        }
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    /** Linearly maps [{@code low}, {@code high}] to [-1, 1] and clamps, e.g. (0, 255) for raw byte values. */
    public static FloatImage normalise(FloatImage image, float low, float high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("normalise needs high > low, got [" + low + ", " + high + "]");
        }
        float[] in = image.data();
        float[] out = new float[in.length];
        float scale = 2f / (high - low);
        for (int i = 0; i < in.length; i++) {
            out[i] = clamp((in[i] - low) * scale - 1f);
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /**
     * Bilinear resize with pixel centres aligned as PyTorch's {@code interpolate(mode="bilinear",
     * align_corners=False, antialias=False)}: output pixel {@code x} samples input coordinate
     * {@code (x + 0.5) * inWidth / outWidth - 0.5}, clamped to the edges.
     */
    public static FloatImage resizeBilinear(FloatImage image, int outHeight, int outWidth) {
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outHeight + "x" + outWidth);
        }
        int c = image.channels();
        float[] out = new float[c * outHeight * outWidth];
        float sy = (float) image.height() / outHeight;
        float sx = (float) image.width() / outWidth;
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outHeight; y++) {
                float fy = (y + 0.5f) * sy - 0.5f;
                for (int x = 0; x < outWidth; x++) {
                    float fx = (x + 0.5f) * sx - 0.5f;
                    out[(ch * outHeight + y) * outWidth + x] = sampleBilinear(image, ch, fy, fx);
                }
            }
        }
        return new FloatImage(c, outHeight, outWidth, out);
    }

    /**
     * Nearest-neighbour resize as Pillow's {@code Image.resize(..., NEAREST)} (what Keras' image loading does):
     * output pixel {@code x} takes input pixel {@code floor((x + 0.5) * inWidth / outWidth)}, likewise for rows.
     */
    public static FloatImage resizeNearest(FloatImage image, int outHeight, int outWidth) {
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outHeight + "x" + outWidth);
        }
        int c = image.channels();
        int inH = image.height();
        int inW = image.width();
        int[] columns = new int[outWidth];
        for (int x = 0; x < outWidth; x++) {
            columns[x] = (int) Math.min(inW - 1, Math.floor((x + 0.5) * inW / outWidth));
        }
        float[] in = image.data();
        float[] out = new float[c * outHeight * outWidth];
        for (int y = 0; y < outHeight; y++) {
            int sy = (int) Math.min(inH - 1, Math.floor((y + 0.5) * inH / outHeight));
            for (int ch = 0; ch < c; ch++) {
                int from = (ch * inH + sy) * inW;
                int to = (ch * outHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    out[to + x] = in[from + columns[x]];
                }
            }
        }
        return new FloatImage(c, outHeight, outWidth, out);
    }

    /** The central {@code height x width} window; the offset is {@code (inHeight - height) / 2} rounded down. */
    public static FloatImage centreCrop(FloatImage image, int height, int width) {
        if (height <= 0 || width <= 0 || height > image.height() || width > image.width()) {
            throw new IllegalArgumentException("cannot crop " + height + "x" + width + " from a "
                    + image.height() + "x" + image.width() + " image");
        }
        int top = (image.height() - height) / 2;
        int left = (image.width() - width) / 2;
        int c = image.channels();
        float[] out = new float[c * height * width];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(image.data(), (ch * image.height() + top + y) * image.width() + left,
                        out, (ch * height + y) * width, width);
            }
        }
        return new FloatImage(c, height, width, out);
    }

    /** Mirrors left to right: {@code out(c, y, x) = in(c, y, width - 1 - x)}. */
    public static FloatImage flipHorizontal(FloatImage image) {
        int w = image.width();
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return new FloatImage(image.channels(), image.height(), w, out);
    }

    /**
     * Rotates by {@code degrees} counter-clockwise (as seen on screen) about the image centre, bilinear
     * sampling, edges clamped. The output has the input's size.
     */
    public static FloatImage rotate(FloatImage image, double degrees) {
        double theta = Math.toRadians(degrees);
        float cos = (float) Math.cos(theta);
        float sin = (float) Math.sin(theta);
        // inverse map; screen y points down, so a counter-clockwise turn uses +sin on dy
        return affine(image, cos, -sin, sin, cos, 0, 0);
    }

    /**
     * Moves the content by {@code dy} rows down and {@code dx} columns right: {@code out(y, x) = in(y - dy, x - dx)},
     * bilinear for fractional shifts, edges clamped (Keras' {@code fill_mode="nearest"}).
     */
    public static FloatImage shift(FloatImage image, double dy, double dx) {
        return affine(image, 1, 0, 0, 1, (float) -dx, (float) -dy);
    }

    /**
     * Magnifies the content about the image centre by {@code scaleY} vertically and {@code scaleX} horizontally
     * (above 1 zooms in, below 1 zooms out): {@code out(y, x) = in(cy + (y - cy) / scaleY, cx + (x - cx) / scaleX)},
     * bilinear, edges clamped.
     */
    public static FloatImage zoom(FloatImage image, double scaleY, double scaleX) {
        if (!(scaleY > 0 && scaleX > 0)) {
            throw new IllegalArgumentException("zoom scales must be positive, got " + scaleY + ", " + scaleX);
        }
        return affine(image, (float) (1 / scaleX), 0, 0, (float) (1 / scaleY), 0, 0);
    }

    /**
     * Shears horizontally by {@code degrees} about the centre row: a row {@code d} pixels below the centre moves
     * {@code d tan(degrees)} pixels right, {@code out(y, x) = in(y, x - (y - cy) tan(degrees))}, bilinear, edges
     * clamped.
     */
    public static FloatImage shear(FloatImage image, double degrees) {
        if (!(Math.abs(degrees) < 90)) {
            throw new IllegalArgumentException("shear angle must lie in (-90, 90) degrees, got " + degrees);
        }
        return affine(image, 1, (float) -Math.tan(Math.toRadians(degrees)), 0, 1, 0, 0);
    }

    /**
     * The affine warp that samples, for output pixel (x, y), the input at
     * {@code srcX = cx + xx (x - cx) + xy (y - cy) + tx}, {@code srcY = cy + yx (x - cx) + yy (y - cy) + ty}
     * ({@code cx, cy} the centre, {@code ((w - 1) / 2, (h - 1) / 2)}), bilinear, coordinates outside clamped to
     * the edge. The output has the input's size.
     */
    static FloatImage affine(FloatImage image, float xx, float xy, float yx, float yy, float tx, float ty) {
        int h = image.height();
        int w = image.width();
        float cy = (h - 1) / 2f;
        float cx = (w - 1) / 2f;
        float[] out = new float[image.data().length];
        for (int ch = 0; ch < image.channels(); ch++) {
            for (int y = 0; y < h; y++) {
                float dy = y - cy;
                for (int x = 0; x < w; x++) {
                    float dx = x - cx;
                    float srcX = cx + xx * dx + xy * dy + tx;
                    float srcY = cy + yx * dx + yy * dy + ty;
                    out[(ch * h + y) * w + x] = sampleBilinear(image, ch, srcY, srcX);
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /** {@code clamp(contrast * x + brightness)} to [-1, 1]: contrast scales about mid-grey (0). */
    public static FloatImage brightnessContrast(FloatImage image, float brightness, float contrast) {
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clamp(contrast * in[i] + brightness);
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /**
     * Separable Gaussian blur with standard deviation {@code sigma} pixels; the kernel spans
     * {@code ceil(3 sigma)} pixels each side and its weights sum to 1. {@code sigma = 0} returns a copy.
     */
    public static FloatImage gaussianBlur(FloatImage image, double sigma) {
        if (sigma < 0 || Double.isNaN(sigma)) {
            throw new IllegalArgumentException("blur sigma must be >= 0, got " + sigma);
        }
        if (sigma == 0) {
            return image.copy();
        }
        int radius = (int) Math.ceil(3 * sigma);
        float[] kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            sum += Math.exp(-0.5 * i * i / (sigma * sigma));
        }
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = (float) (Math.exp(-0.5 * i * i / (sigma * sigma)) / sum);
        }
        int h = image.height();
        int w = image.width();
        float[] in = image.data();
        float[] tmp = new float[in.length];
        float[] out = new float[in.length];
        for (int ch = 0; ch < image.channels(); ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        acc += kernel[k + radius] * in[base + y * w + clampIndex(x + k, w)];
                    }
                    tmp[base + y * w + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        acc += kernel[k + radius] * tmp[base + clampIndex(y + k, h) * w + x];
                    }
                    out[base + y * w + x] = acc;
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /** Encodes as baseline JPEG at {@code quality} (1..100, the libjpeg scale) with ImageIO and decodes it. */
    public static FloatImage jpeg(FloatImage image, int quality) {
        return fromBufferedImage(decodeJpeg(encodeJpeg(toBufferedImage(image), quality)), image.channels());
    }

    /** The bytes of a baseline JPEG of {@code image} at {@code quality} (1..100). */
    public static byte[] encodeJpeg(BufferedImage image, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be in 1..100, got " + quality);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no JPEG writer registered with ImageIO");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static BufferedImage decodeJpeg(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("decoding a JPEG made in memory failed", e);
        }
    }

    /** Bilinear sample of one channel at fractional (y, x); coordinates outside clamp to the edge. */
    static float sampleBilinear(FloatImage image, int channel, float y, float x) {
        int h = image.height();
        int w = image.width();
        float cy = Math.max(0f, Math.min(y, h - 1));
        float cx = Math.max(0f, Math.min(x, w - 1));
        int y0 = (int) cy;
        int x0 = (int) cx;
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        float ty = cy - y0;
        float tx = cx - x0;
        float[] d = image.data();
        int base = channel * h * w;
        float top = d[base + y0 * w + x0] * (1 - tx) + d[base + y0 * w + x1] * tx;
        float bottom = d[base + y1 * w + x0] * (1 - tx) + d[base + y1 * w + x1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    private static int clampIndex(int i, int n) {
        return i < 0 ? 0 : Math.min(i, n - 1);
    }

    private static float clamp(float v) {
        return v < -1f ? -1f : Math.min(v, 1f);
    }
}
