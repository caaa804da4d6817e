package dev.unmask.data;

/**
 * One synthetic anomaly: the image, its exact mask, the face before the anomaly and what was done where.
 *
 * @param image the RGB image with the anomaly, values in [-1, 1] on 8-bit levels
 * @param mask single channel, 1 on the pixels whose centre lies inside {@code region} (the only pixels the
 *     anomaly wrote), 0 elsewhere; every pixel outside it equals {@code original} bit for bit
 * @param original the face without the anomaly
 * @param kind what was done
 * @param region where it was done
 */
public record AnomalySample(FloatImage image, FloatImage mask, FloatImage original, AnomalyKind kind,
                            AnomalyRegion region) {
    /** The mask as one flag per pixel, row-major ({@code y * width + x}), as the pixel metrics take it. */
    public boolean[] maskPixels() {
        float[] m = mask.data();
        boolean[] pixels = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            pixels[i] = m[i] != 0f;
        }
        return pixels;
    }

    /** The sample as a dataset example: the image, label {@link SynthSample#FAKE} (anomalous) and the mask. */
    public Example toExample() {
        return new Example(image, SynthSample.FAKE, mask);
    }
}
