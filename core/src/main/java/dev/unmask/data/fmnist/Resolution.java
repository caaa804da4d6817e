package dev.unmask.data.fmnist;

/** The size Fashion-MNIST images are served at. */
public enum Resolution {
    /** The stored 28x28. */
    NATIVE_28(28),
    /** 28x28 centred in 32x32 with a 2-pixel black (-1) border: the {@code fmnist-32} preset. */
    PADDED_32(32);

    private final int side;

    Resolution(int side) {
        this.side = side;
    }

    /** Height and width in pixels. */
    public int side() {
        return side;
    }
}
