package dev.unmask.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The typed arguments of one kernel launch, in the order of the kernel's parameter list. Each argument
 * knows its kind (the one-letter code runtimes check against the kernel's signature) and its bytes in
 * the device's (little-endian) order.
 *
 * <pre>{@code new KernelArgs().pointer(z).pointer(codebook).i32(n).i32(k).i32(d).pointer(out)}</pre>
 */
public final class KernelArgs {

    /** Kinds of kernel parameter, with the code letter runtimes compare against the kernel's signature. */
    public enum Kind {
        /** A device pointer: 8 bytes. */
        POINTER('p'),
        /** {@code int} or {@code unsigned int}: 4 bytes. */
        INT('i'),
        /** {@code long long} or {@code size_t}: 8 bytes. */
        LONG('l'),
        /** {@code float}: 4 bytes. */
        FLOAT('f'),
        /** A plain struct passed by value, as its bytes. */
        STRUCT('s');

        private final char code;

        Kind(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }
    }

    /**
     * One argument. For {@link Kind#POINTER} the value is a runtime's pointer handle and
     * {@code byteOffset} a distance into its allocation; for the others the value's low bits hold it.
     */
    public record Arg(Kind kind, long value, long byteOffset, byte[] structBytes) {
    }

    private final List<Arg> args = new ArrayList<>();

    /** A device pointer: a handle from {@link DeviceRuntime#allocate}. */
    public KernelArgs pointer(long handle) {
        return pointer(handle, 0);
    }

    /** A device pointer {@code byteOffset} bytes into the allocation {@code handle}. */
    public KernelArgs pointer(long handle, long byteOffset) {
        if (byteOffset < 0) {
            throw new IllegalArgumentException("negative pointer offset " + byteOffset);
        }
        args.add(new Arg(Kind.POINTER, handle, byteOffset, null));
        return this;
    }

    /** A device pointer to a buffer's first byte. */
    public KernelArgs pointer(DeviceBuffer buffer) {
        return pointer(buffer.handle());
    }

    /** A null device pointer (an optional argument left out, such as a missing bias). */
    public KernelArgs nullPointer() {
        return pointer(0L);
    }

    public KernelArgs i32(int value) {
        args.add(new Arg(Kind.INT, value, 0, null));
        return this;
    }

    /** A 64-bit integer parameter ({@code size_t} or {@code long long}). */
    public KernelArgs i64(long value) {
        args.add(new Arg(Kind.LONG, value, 0, null));
        return this;
    }

    public KernelArgs f32(float value) {
        args.add(new Arg(Kind.FLOAT, Float.floatToRawIntBits(value), 0, null));
        return this;
    }

    /** A struct by value, as its bytes in the device's layout (little-endian, C alignment padding included). */
    public KernelArgs struct(byte[] bytes) {
        args.add(new Arg(Kind.STRUCT, 0, 0, bytes.clone()));
        return this;
    }

    /** A struct of int fields only, in declaration order (the geometry structs of the kernels). */
    public KernelArgs intStruct(int... fields) {
        ByteBuffer b = ByteBuffer.allocate(4 * fields.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int f : fields) {
            b.putInt(f);
        }
        args.add(new Arg(Kind.STRUCT, 0, 0, b.array()));
        return this;
    }

    public List<Arg> list() {
        return Collections.unmodifiableList(args);
    }

    /** The kind codes in order, e.g. {@code "ppiiip"}. */
    public String signature() {
        StringBuilder s = new StringBuilder(args.size());
        for (Arg a : args) {
            s.append(a.kind().code());
        }
        return s.toString();
    }

    /**
     * All arguments packed back to back, little-endian, without alignment padding; a pointer is packed as
     * handle + byte offset, which is its address for runtimes whose handles are addresses.
     */
    public byte[] packed() {
        int size = 0;
        for (Arg a : args) {
            size += byteSize(a);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (Arg a : args) {
            switch (a.kind()) {
                case POINTER -> b.putLong(a.value() + a.byteOffset());
                case LONG -> b.putLong(a.value());
                case INT, FLOAT -> b.putInt((int) a.value());
                case STRUCT -> b.put(a.structBytes());
            }
        }
        return b.array();
    }

    private static int byteSize(Arg a) {
        return switch (a.kind()) {
            case POINTER, LONG -> 8;
            case INT, FLOAT -> 4;
            case STRUCT -> a.structBytes().length;
        };
    }

    @Override
    public String toString() {
        return "KernelArgs(" + signature() + ")";
    }
}
