package dev.unmask.detectors.classifier;

import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.random.Seeds;

import java.util.ArrayList;
import java.util.List;

/**
 * Labelled faces for {@link MesoNetTraining}, held as MesoNet sees them before augmentation: RGB, Pillow's
 * nearest-neighbour resize to 256 x 256 ({@link ImageOps#resizeNearest}), 8-bit levels (3 x 256 x 256 bytes, 192
 * KiB, per image). Labels: fake or real.
 */
public final class MesoNetTrainingData {
    static final int SIDE = MesoNet.INPUT_SIZE;
    static final int VALUES = MesoNet.INPUT_CHANNELS * SIDE * SIDE;

    private final List<byte[]> levels = new ArrayList<>();
    private final List<Boolean> fake = new ArrayList<>();

    /**
     * Adds an RGB image of any size, values in [-1, 1] (as {@link dev.unmask.data.ImageFiles} decodes), resized
     * to 256 x 256 as the official pipeline does.
     *
     * @throws IllegalArgumentException when the image is not RGB
     */
    public MesoNetTrainingData add(FloatImage image, boolean isFake) {
        if (image.channels() != MesoNet.INPUT_CHANNELS) {
            throw new IllegalArgumentException("MesoNet trains on RGB images, got " + image.channels() + " channel(s)");
        }
        float[] d = ImageOps.resizeNearest(image, SIDE, SIDE).data();
        byte[] out = new byte[VALUES];
        for (int i = 0; i < VALUES; i++) {
            out[i] = (byte) ImageOps.toByte(d[i]);
        }
        levels.add(out);
        fake.add(isFake);
        return this;
    }

    public int size() {
        return levels.size();
    }

    public int fakeCount() {
        return (int) fake.stream().filter(f -> f).count();
    }

    public boolean isFake(int index) {
        return fake.get(index);
    }

    /** Image {@code index} at 256 x 256, values {@code level / 127.5 - 1} (the augmentation's domain). */
    public FloatImage image(int index) {
        byte[] b = levels.get(index);
        float[] out = new float[VALUES];
        for (int i = 0; i < VALUES; i++) {
            out[i] = ImageOps.fromByte(b[i] & 0xFF);
        }
        return new FloatImage(MesoNet.INPUT_CHANNELS, SIDE, SIDE, out);
    }

    /**
     * Writes image {@code index} as the network's input, level / 255, at {@code offset} of {@code out}: exactly
     * {@link MesoNetScoringModel#preprocess} of the same image.
     */
    void writeInput(int index, float[] out, int offset) {
        byte[] b = levels.get(index);
        for (int i = 0; i < VALUES; i++) {
            out[offset + i] = (b[i] & 0xFF) / 255f;
        }
    }

    /**
     * A training part and a held-out validation part, stratified: of each class, the share {@code validationShare}
     * (rounded, at least one image, at least one left to train on) in a permutation seeded by {@code seed}.
     *
     * @throws IllegalArgumentException when a class has fewer than 2 images, or the share is outside (0, 1)
     */
    public Split split(double validationShare, long seed) {
        if (!(validationShare > 0 && validationShare < 1)) {
            throw new IllegalArgumentException("the validation share must lie in (0, 1), got " + validationShare);
        }
        int fakes = fakeCount();
        int reals = size() - fakes;
        if (reals < 2 || fakes < 2) {
            throw new IllegalArgumentException("training needs at least 2 real and 2 fake images (one of each held out "
                    + "for validation), got " + reals + " real and " + fakes + " fake");
        }
        MesoNetTrainingData train = new MesoNetTrainingData();
        MesoNetTrainingData validation = new MesoNetTrainingData();
        for (boolean cls : new boolean[] {false, true}) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < size(); i++) {
                if (fake.get(i) == cls) {
                    members.add(i);
                }
            }
            int held = (int) Math.min(members.size() - 1, Math.max(1, Math.round(members.size() * validationShare)));
            int[] order = Seeds.permutation(members.size(), Seeds.derive(seed, cls ? 1 : 0));
            for (int k = 0; k < order.length; k++) {
                int i = members.get(order[k]);
                (k < held ? validation : train).append(levels.get(i), cls);
            }
        }
        return new Split(train, validation);
    }

    private void append(byte[] image, boolean isFake) {
        levels.add(image);
        fake.add(isFake);
    }

    /** The two parts of {@link #split}. */
    public record Split(MesoNetTrainingData train, MesoNetTrainingData validation) {
    }
}
