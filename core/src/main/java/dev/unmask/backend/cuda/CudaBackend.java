package dev.unmask.backend.cuda;

import dev.unmask.backend.Backend;
import dev.unmask.backend.cpu.CpuBackend;
import dev.unmask.ops.AdamParams;
import dev.unmask.ops.AttentionGradients;
import dev.unmask.ops.AttentionResult;
import dev.unmask.ops.BatchNormGradients;
import dev.unmask.ops.BatchStatistics;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.OpChecks;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.ops.VqStatistics;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayDeque;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The CUDA backend: tensors in device memory, ops as launches of the hand-written kernels of
 * {@code cuda-kernels/src/main/cuda} through a {@link DeviceRuntime}. Cases without a kernel (movement
 * past rank 8, and the shapes a kernel does not cover, listed at each op) copy their
 * inputs to a {@link CpuBackend}, compute there and copy the result back.
 *
 * <p>Memory: every tensor this backend creates belongs to the innermost {@link #openScope() scope}
 * opened on the calling thread, or to the backend itself; closing the scope (or the backend) frees it.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;        // elementwise launches: any multiple of 32
    private static final int ROW_THREADS = 256;    // reduce.cu's ROW_THREADS
    private static final int VQ_ROWS = 128;        // vq.cu's VQ_ROWS
    private static final int ATT_TILE = 64;        // attention.cu's ATT_TILE
    private static final int[] ATT_WIDTHS = {8, 16, 32};  // attention.cu's register widths (_d8, _d16, _d32)
    private static final int POOL_TILE = 16;       // pool.cu's POOL_TILE
    private static final int BN_THREADS = 256;     // batchnorm.cu's BN_THREADS
    private static final int GEMM_TILE = 64;       // gemm.cu's GEMM_BM and GEMM_BN
    private static final int GEMM_THREADS = 256;   // gemm.cu's GEMM_THREADS
    private static final int MAX_RANK = 8;         // elementwise.cu's MAX_RANK and movement.cu's MOVE_MAX_RANK
    private static final int MAX_GRID_YZ = 65535;  // CUDA's limit on grid.y and grid.z
    private static final int MAX_DEFAULT_SHARED = 48 * 1024;
    private static final int UNARY_ELU = 8;        // elementwise.cu's UnaryCode after the UnaryOp values
    private static final int UNARY_LEAKY_RELU = 9;
    private static final int UNARY_CLAMP = 10;
    private static final int BINARY_FIRST_COMPARE = 6;  // B_EQ: comparisons follow the BinaryOp codes

    private final DeviceRuntime runtime;
    private final GemmAccelerators.Result gemm;
    private final CpuBackend cpu = new CpuBackend();
    private final DeviceScope root;
    private final ThreadLocal<Deque<DeviceScope>> scopes = ThreadLocal.withInitial(ArrayDeque::new);
    private final Set<DeviceScope> openScopes = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * A backend over {@code runtime}, with cuBLAS for matmul when {@link GemmAccelerators#load} finds it;
     * the backend closes both when it is closed.
     */
    public CudaBackend(DeviceRuntime runtime) {
        this.runtime = runtime;
        this.gemm = GemmAccelerators.load(runtime);
        this.root = new DeviceScope(runtime);
    }

    /** The runtime this backend launches on. */
    public DeviceRuntime runtime() {
        return runtime;
    }

    /** Whether matmul runs on cuBLAS, or why it runs on our {@code sgemm_batched} kernel. */
    public GemmAccelerators.Result gemmAccelerator() {
        return gemm;
    }

    /**
     * Opens a scope on this thread: tensors created on this thread until it is closed belong to it and are
     * freed by its {@code close()}, which must happen on the same thread. Scopes nest; use
     * try-with-resources. A tensor used after its scope closed is an {@link IllegalStateException}.
     */
    public DeviceScope openScope() {
        Deque<DeviceScope> stack = scopes.get();
        DeviceScope scope = new DeviceScope(runtime) {
            @Override
            public void close() {
                stack.remove(this);
                openScopes.remove(this);
                super.close();
            }
        };
        stack.push(scope);
        openScopes.add(scope);
        return scope;
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** Frees every tensor of this backend (in every scope, on every thread), then closes the runtime. Safe twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (DeviceScope scope : List.copyOf(openScopes)) {
                scope.close();  // scopes of any thread: their buffers must go before the runtime does
            }
            root.close();
            try {
                if (gemm.available()) {
                    gemm.accelerator().close();  // its handle lives in the runtime's context
                }
            } finally {
                runtime.close();
            }
            cpu.close();
        }
    }

    // ---------------------------------------------------------------- data movement

    private Tensor allocate(Shape shape, DType dtype) {
        DeviceScope scope = scopes.get().peek();
        DeviceBuffer buffer = (scope != null ? scope : root).allocate((long) shape.numel() * dtype.bytes());
        return new Tensor(shape, new CudaStorage(this, dtype, shape.numel(), buffer));
    }

    private Tensor zeros(Shape shape, DType dtype) {
        Tensor t = allocate(shape, dtype);
        runtime.zero(handle(t), (long) shape.numel() * dtype.bytes());
        return t;
    }

    private long handle(Tensor x) {
        if (!(x.storage() instanceof CudaStorage s) || s.device() != this) {
            throw new IllegalArgumentException("tensor lives on " + x.device().name() + ", not on this CUDA backend");
        }
        return s.buffer().handle();
    }

    @Override
    public Tensor fromFloats(float[] data, Shape shape) {
        requireLength(data.length, shape);
        Tensor t = allocate(shape, DType.F32);
        runtime.copyToDevice(handle(t), data);
        return t;
    }

    @Override
    public Tensor fromInts(int[] data, Shape shape) {
        requireLength(data.length, shape);
        Tensor t = allocate(shape, DType.I32);
        runtime.copyToDevice(handle(t), data);
        return t;
    }

    private static void requireLength(int length, Shape shape) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.numel() + " elements, got " + length);
        }
    }

    @Override
    public float[] toFloats(Tensor x) {
        OpChecks.requireDType("toFloats", x, DType.F32);
        float[] out = new float[x.numel()];
        runtime.copyToHost(handle(x), out);
        return out;
    }

    @Override
    public int[] toInts(Tensor x) {
        OpChecks.requireDType("toInts", x, DType.I32);
        int[] out = new int[x.numel()];
        runtime.copyToHost(handle(x), out);
        return out;
    }

    /** {@code fill_32} with the value's bits (I32: the value truncated toward zero, as a cast does). */
    @Override
    public Tensor full(Shape shape, DType dtype, float value) {
        Tensor t = allocate(shape, dtype);
        int bits = dtype == DType.F32 ? Float.floatToRawIntBits(value) : (int) value;
        if (shape.numel() > 0) {
            launchElementwise("fill_32", shape.numel(), new KernelArgs().pointer(handle(t)).i64(shape.numel()).i32(bits));
        }
        return t;
    }

    @Override
    public void copyInto(Tensor destination, Tensor source) {
        OpChecks.requireSameShape("copyInto", destination, source);
        if (destination.dtype() != source.dtype()) {
            throw new IllegalArgumentException("copyInto: dtypes differ, " + destination + " vs " + source);
        }
        runtime.copyDeviceToDevice(handle(destination), handle(source), (long) source.numel() * source.dtype().bytes());
    }

    private Tensor toCpu(Tensor x) {
        handle(x);
        return x.to(cpu);
    }

    private Tensor fromCpu(Tensor x) {
        return x.to(this);
    }

    /** Runs {@code op} on the CPU backend: inputs copied there, the result copied back. */
    private Tensor viaCpu(Function<List<Tensor>, Tensor> op, Tensor... inputs) {
        List<Tensor> host = new ArrayList<>(inputs.length);
        for (Tensor t : inputs) {
            host.add(t == null ? null : toCpu(t));
        }
        return fromCpu(op.apply(host));
    }

    private void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args) {
        runtime.launch(kernel, grid, block, sharedBytes, args);
    }

    private void launchElementwise(String kernel, long n, KernelArgs args) {
        launch(kernel, Dim3.cover(n, THREADS), Dim3.of(THREADS), 0, args);
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor unaryKernel(Tensor x, int code, float a, float b, String name) {
        OpChecks.requireDType(name, x, DType.F32);
        Tensor y = allocate(x.shape(), DType.F32);
        launchElementwise("unary_f32", x.numel(),
                new KernelArgs().pointer(handle(x)).pointer(handle(y)).i64(x.numel()).i32(code).f32(a).f32(b));
        return y;
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        return unaryKernel(x, op.ordinal(), 0f, 0f, "unary " + op);
    }

    @Override
    public Tensor elu(Tensor x, float alpha) {
        return unaryKernel(x, UNARY_ELU, alpha, 0f, "elu");
    }

    @Override
    public Tensor reluBackward(Tensor grad, Tensor x) {
        OpChecks.requireActivationBackward("reluBackward", grad, x);
        Tensor y = allocate(x.shape(), DType.F32);
        launchElementwise("relu_backward_f32", x.numel(),
                new KernelArgs().pointer(handle(grad)).pointer(handle(x)).pointer(handle(y)).i64(x.numel()));
        return y;
    }

    @Override
    public Tensor eluBackward(Tensor grad, Tensor x, Tensor y, float alpha) {
        OpChecks.requireActivationBackward("eluBackward", grad, x, y);
        Tensor out = allocate(x.shape(), DType.F32);
        launchElementwise("elu_backward_f32", x.numel(), new KernelArgs().pointer(handle(grad)).pointer(handle(x))
                .pointer(handle(y)).pointer(handle(out)).i64(x.numel()).f32(alpha));
        return out;
    }

    @Override
    public Tensor leakyRelu(Tensor x, float slope) {
        return unaryKernel(x, UNARY_LEAKY_RELU, slope, 0f, "leakyRelu");
    }

    @Override
    public Tensor clamp(Tensor x, float lo, float hi) {
        return unaryKernel(x, UNARY_CLAMP, lo, hi, "clamp");
    }

    /**
     * Elementwise.cu's {@code Broadcast} struct (rank, shape[MAX_RANK], stride[3][MAX_RANK]) for
     * {@code operands} broadcast to {@code out}, or null when the rank exceeds MAX_RANK.
     */
    private static int[] broadcastStruct(Shape out, Shape... operands) {
        int[][] strides = new int[operands.length][];
        for (int o = 0; o < operands.length; o++) {
            strides[o] = broadcastStrides(operands[o], out);
        }
        return broadcastFields(out, strides);
    }

    /** Strides of {@code operand} read as {@code out}: aligned from the right, 0 on broadcast axes. */
    private static int[] broadcastStrides(Shape operand, Shape out) {
        int[] result = new int[out.rank()];
        int[] strides = operand.strides();
        int shift = out.rank() - operand.rank();
        for (int i = 0; i < operand.rank(); i++) {
            result[shift + i] = operand.dim(i) == 1 ? 0 : strides[i];
        }
        return result;
    }

    /** The {@code Broadcast} struct from explicit per-operand strides, or null past MAX_RANK. */
    private static int[] broadcastFields(Shape out, int[]... strides) {
        int rank = out.rank();
        if (rank > MAX_RANK) {
            return null;
        }
        int[] fields = new int[1 + MAX_RANK + 3 * MAX_RANK];
        fields[0] = rank;
        for (int i = 0; i < rank; i++) {
            fields[1 + i] = out.dim(i);
        }
        for (int o = 0; o < strides.length; o++) {
            System.arraycopy(strides[o], 0, fields, 1 + MAX_RANK + o * MAX_RANK, rank);
        }
        return fields;
    }

    /** Row-major strides of {@code shape} as longs. */
    private static long[] contiguous(Shape shape) {
        return Arrays.stream(shape.strides()).asLongStream().toArray();
    }

    /**
     * {@code strided_copy_32} over {@code shape} (rank at most MAX_RANK): the element at index (i_0, ...)
     * goes from {@code source[sourceOffset + sum_a i_a sourceStrides[a]]} to
     * {@code destination[destinationOffset + sum_a i_a destinationStrides[a]]}; 32-bit words, any dtype.
     */
    private void stridedCopy(Tensor source, long sourceOffset, long[] sourceStrides, Tensor destination,
                             long destinationOffset, long[] destinationStrides, Shape shape) {
        if (shape.numel() == 0) {
            return;
        }
        // movement.cu's StridedLayout: int rank, int shape[8], padding to 8 bytes, long long sourceStride[8],
        // long long destinationStride[8], long long sourceOffset, long long destinationOffset
        ByteBuffer layout = ByteBuffer.allocate(4 + 4 * MAX_RANK + 4 + 8 * (2 * MAX_RANK + 2)).order(ByteOrder.LITTLE_ENDIAN);
        layout.putInt(shape.rank());
        for (int a = 0; a < MAX_RANK; a++) {
            layout.putInt(a < shape.rank() ? shape.dim(a) : 0);
        }
        layout.putInt(0);
        for (long[] strides : new long[][] {sourceStrides, destinationStrides}) {
            for (int a = 0; a < MAX_RANK; a++) {
                layout.putLong(a < shape.rank() ? strides[a] : 0);
            }
        }
        layout.putLong(sourceOffset).putLong(destinationOffset);
        launchElementwise("strided_copy_32", shape.numel(), new KernelArgs().pointer(handle(source))
                .pointer(handle(destination)).i64(shape.numel()).struct(layout.array()));
    }

    /** A new tensor of {@code shape} read from {@code x} with the given strides; null past MAX_RANK. */
    private Tensor gatherStrided(Tensor x, long offset, long[] strides, Shape shape) {
        if (shape.rank() > MAX_RANK) {
            return null;
        }
        Tensor y = allocate(shape, x.dtype());
        stridedCopy(x, offset, strides, y, 0, contiguous(shape), shape);
        return y;
    }

    private Tensor binaryKernel(int code, Tensor a, Tensor b, String name) {
        OpChecks.requireDType(name, a, DType.F32);
        OpChecks.requireDType(name, b, DType.F32);
        Shape shape = OpChecks.broadcastShape(name, a.shape(), b.shape());
        int[] g = broadcastStruct(shape, a.shape(), b.shape());
        if (g == null) {
            return null;
        }
        Tensor y = allocate(shape, DType.F32);
        launchElementwise("binary_f32", shape.numel(), new KernelArgs().pointer(handle(a)).pointer(handle(b))
                .pointer(handle(y)).i64(shape.numel()).i32(code).intStruct(g));
        return y;
    }

    /** Ranks above elementwise.cu's MAX_RANK run on the CPU. */
    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Tensor y = binaryKernel(op.ordinal(), a, b, "binary " + op);
        return y != null ? y : viaCpu(h -> cpu.binary(op, h.get(0), h.get(1)), a, b);
    }

    /** Ranks above elementwise.cu's MAX_RANK run on the CPU. */
    @Override
    public Tensor compare(CompareOp op, Tensor a, Tensor b) {
        Tensor y = binaryKernel(BINARY_FIRST_COMPARE + op.ordinal(), a, b, "compare " + op);
        return y != null ? y : viaCpu(h -> cpu.compare(op, h.get(0), h.get(1)), a, b);
    }

    /** Ranks above elementwise.cu's MAX_RANK run on the CPU. */
    @Override
    public Tensor where(Tensor mask, Tensor a, Tensor b) {
        Shape shape = OpChecks.whereShape(mask, a, b);
        int[] g = broadcastStruct(shape, mask.shape(), a.shape(), b.shape());
        if (g == null) {
            return viaCpu(h -> cpu.where(h.get(0), h.get(1), h.get(2)), mask, a, b);
        }
        Tensor y = allocate(shape, DType.F32);
        launchElementwise("where_f32", shape.numel(), new KernelArgs().pointer(handle(mask)).pointer(handle(a))
                .pointer(handle(b)).pointer(handle(y)).i64(shape.numel()).intStruct(g));
        return y;
    }

    @Override
    public Tensor cast(Tensor x, DType dtype) {
        Tensor y = allocate(x.shape(), dtype);
        if (x.dtype() == dtype) {
            runtime.copyDeviceToDevice(handle(y), handle(x), (long) x.numel() * dtype.bytes());
            return y;
        }
        String kernel = x.dtype() == DType.F32 ? "cast_f32_to_i32" : "cast_i32_to_f32";
        launchElementwise(kernel, x.numel(), new KernelArgs().pointer(handle(x)).pointer(handle(y)).i64(x.numel()));
        return y;
    }

    // ---------------------------------------------------------------- reductions

    /**
     * Axes that form one contiguous run reduce on the device ({@code reduce_rows_f32} when they end the
     * shape, {@code reduce_strided_f32} otherwise); other axis sets are first permuted behind the kept
     * axes. Empty tensors, and other axis sets past rank 8, run on the CPU.
     */
    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        String name = "reduce " + op;
        OpChecks.requireDType(name, x, DType.F32);
        int[] reduced = OpChecks.reductionAxes(name, x.shape(), axes);
        boolean contiguous = reduced.length > 0 && reduced[reduced.length - 1] - reduced[0] == reduced.length - 1;
        if (x.numel() == 0 || (!contiguous && x.rank() > MAX_RANK)) {
            return viaCpu(h -> cpu.reduce(op, h.get(0), axes, keepDims), x);
        }
        if (!contiguous) {
            return reduceAfterPermute(op, x, reduced, keepDims);
        }
        int outer = x.shape().numel(0, reduced[0]);
        int extent = x.shape().numel(reduced[0], reduced[reduced.length - 1] + 1);
        int inner = x.shape().numel(reduced[reduced.length - 1] + 1, x.rank());
        Tensor y = allocate(OpChecks.reducedShape(x.shape(), reduced, keepDims), DType.F32);
        if (inner == 1) {
            launch("reduce_rows_f32", Dim3.of(outer), Dim3.of(ROW_THREADS), 0,
                    new KernelArgs().pointer(handle(x)).i32(extent).i32(op.ordinal()).pointer(handle(y)));
        } else {
            launchElementwise("reduce_strided_f32", (long) outer * inner, new KernelArgs().pointer(handle(x))
                    .i32(outer).i32(extent).i32(inner).i32(op.ordinal()).pointer(handle(y)));
        }
        return y;
    }

    /** Moves the reduced axes behind the kept ones (a strided copy), then reduces that trailing run. */
    private Tensor reduceAfterPermute(ReduceOp op, Tensor x, int[] reduced, boolean keepDims) {
        int[] order = new int[x.rank()];
        int next = 0;
        for (int axis = 0; axis < x.rank(); axis++) {
            if (Arrays.binarySearch(reduced, axis) < 0) {
                order[next++] = axis;
            }
        }
        int[] trailing = new int[reduced.length];
        for (int i = 0; i < reduced.length; i++) {
            order[next] = reduced[i];
            trailing[i] = next++;
        }
        Tensor y = allocate(OpChecks.reducedShape(x.shape(), reduced, keepDims), DType.F32);
        try (DeviceScope temporaries = openScope()) {
            Tensor r = reduce(op, permute(x, order), trailing, false);
            runtime.copyDeviceToDevice(handle(y), handle(r), 4L * y.numel());
        }
        return y;
    }

    @Override
    public Tensor argmax(Tensor x, int axis) {
        return argExtreme("argmax", x, axis, false);
    }

    @Override
    public Tensor argmin(Tensor x, int axis) {
        return argExtreme("argmin", x, axis, true);
    }

    /** Empty tensors run on the CPU (which reports an empty axis). */
    private Tensor argExtreme(String name, Tensor x, int axis, boolean takeMin) {
        Shape.AxisSplit split = OpChecks.floatAxis(name, x, axis);
        if (x.numel() == 0) {
            return viaCpu(h -> takeMin ? cpu.argmin(h.get(0), axis) : cpu.argmax(h.get(0), axis), x);
        }
        Tensor y = allocate(OpChecks.reducedShape(x.shape(), new int[] {split.axis()}, false), DType.I32);
        launchElementwise("arg_reduce_f32", (long) split.outer() * split.inner(), new KernelArgs().pointer(handle(x))
                .i32(split.outer()).i32(split.extent()).i32(split.inner()).i32(takeMin ? 1 : 0).pointer(handle(y)));
        return y;
    }

    // ---------------------------------------------------------------- movement

    @Override
    public Tensor reshape(Tensor x, Shape shape) {
        OpChecks.checkReshape(x.shape(), shape);
        handle(x);
        return new Tensor(shape, x.storage());
    }

    /** {@code strided_copy_32} up to rank 8; higher ranks run on the CPU. */
    @Override
    public Tensor permute(Tensor x, int... perm) {
        Shape shape = OpChecks.permutedShape(x.shape(), perm);
        int[] inStrides = x.shape().strides();
        long[] strides = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            strides[i] = inStrides[x.shape().normaliseAxis(perm[i])];
        }
        Tensor y = gatherStrided(x, 0, strides, shape);
        return y != null ? y : viaCpu(h -> cpu.permute(h.get(0), perm), x);
    }

    /** {@code strided_copy_32} from the first kept element, up to rank 8; higher ranks run on the CPU. */
    @Override
    public Tensor slice(Tensor x, int axis, int start, int end) {
        Shape shape = OpChecks.slicedShape(x.shape(), axis, start, end);
        long[] strides = contiguous(x.shape());
        Tensor y = gatherStrided(x, start * strides[x.shape().normaliseAxis(axis)], strides, shape);
        return y != null ? y : viaCpu(h -> cpu.slice(h.get(0), axis, start, end), x);
    }

    /** {@code fill_32}, then {@code strided_copy_32} into the interior, up to rank 8; higher ranks run on the CPU. */
    @Override
    public Tensor pad(Tensor x, int[] before, int[] after, float value) {
        Shape shape = OpChecks.paddedShape(x.shape(), before, after);
        if (shape.rank() > MAX_RANK) {
            return viaCpu(h -> cpu.pad(h.get(0), before, after, value), x);
        }
        Tensor y = full(shape, x.dtype(), value);
        long[] strides = contiguous(shape);
        long offset = 0;
        for (int a = 0; a < shape.rank(); a++) {
            offset += before[a] * strides[a];
        }
        stridedCopy(x, 0, contiguous(x.shape()), y, offset, strides, x.shape());
        return y;
    }

    /** One {@code strided_copy_32} per input into its window of the result, viewed as [outer, total, inner]. */
    @Override
    public Tensor concat(List<Tensor> xs, int axis) {
        Shape shape = OpChecks.concatShape(xs, axis);
        Shape.AxisSplit split = shape.splitAt(axis);
        int outer = split.outer();
        int inner = split.inner();
        Tensor y = allocate(shape, xs.get(0).dtype());
        long[] destinationStrides = {(long) split.extent() * inner, inner, 1};
        long offset = 0;
        for (Tensor x : xs) {
            int n = x.dim(split.axis());
            stridedCopy(x, 0, new long[] {(long) n * inner, inner, 1}, y, offset * inner, destinationStrides,
                    Shape.of(outer, n, inner));
            offset += n;
        }
        return y;
    }

    /** {@code strided_copy_32} with zero strides on broadcast axes, up to rank 8; higher ranks run on the CPU. */
    @Override
    public Tensor expand(Tensor x, Shape shape) {
        OpChecks.requireBroadcastable("expand", x.shape(), shape);
        long[] strides = Arrays.stream(broadcastStrides(x.shape(), shape)).asLongStream().toArray();
        Tensor y = gatherStrided(x, 0, strides, shape);
        return y != null ? y : viaCpu(h -> cpu.expand(h.get(0), shape), x);
    }

    /** Fails after the launch when the kernel reported an index out of range. */
    private Tensor withStatus(String op, int bound, LongFunction<Tensor> body) {
        Tensor status = zeros(Shape.of(1), DType.I32);
        Tensor out = body.apply(handle(status));
        int[] flag = toInts(status);
        if (flag[0] != 0) {
            throw new IndexOutOfBoundsException(op + ": an index is outside [0, " + bound + ")");
        }
        return out;
    }

    @Override
    public Tensor gather(Tensor table, Tensor indices) {
        Shape shape = OpChecks.gatherShape(table, indices);
        int rows = table.dim(0);
        int rowSize = table.shape().numel(1, table.rank());
        int count = indices.numel();
        return withStatus("gather", rows, status -> {
            Tensor out = allocate(shape, table.dtype());
            launchElementwise("gather_rows_32", (long) count * rowSize, new KernelArgs().pointer(handle(table))
                    .pointer(handle(indices)).i32(count).i32(rowSize).i32(rows).pointer(handle(out)).pointer(status));
            return out;
        });
    }

    @Override
    public Tensor scatterAdd(Tensor indices, Tensor src, int rows) {
        Shape shape = OpChecks.scatterAddShape(indices, src, rows);
        int count = indices.numel();
        int rowSize = shape.numel(1, shape.rank());
        return withStatus("scatterAdd", rows, status -> {
            Tensor out = zeros(shape, DType.F32);
            launchElementwise("scatter_add_rows_f32", (long) count * rowSize, new KernelArgs().pointer(handle(indices))
                    .pointer(handle(src)).i32(count).i32(rowSize).i32(rows).pointer(handle(out)).pointer(status));
            return out;
        });
    }

    @Override
    public Tensor oneHot(Tensor indices, int depth) {
        Shape shape = OpChecks.oneHotShape(indices, depth);
        int count = indices.numel();
        return withStatus("oneHot", depth, status -> {
            Tensor out = allocate(shape, DType.F32);
            launchElementwise("one_hot_f32", (long) count * depth, new KernelArgs().pointer(handle(indices))
                    .i32(count).i32(depth).pointer(handle(out)).pointer(status));
            return out;
        });
    }

    // ---------------------------------------------------------------- processing

    /**
     * cuBLAS when {@link #gemmAccelerator()} has it, else {@code sgemm_batched}; an operand's batch
     * dimensions must equal the result's or hold one matrix (stride 0). Other broadcasts, and (for our
     * kernel) more than 65535 batches or row tiles, run on the CPU. Convolutions always use our kernels.
     */
    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        OpChecks.MatmulGeometry g = OpChecks.matmul(a, b, transposeA, transposeB);
        Shape shape = g.shape();
        int m = g.m();
        int n = g.n();
        int k = g.k();
        int batches = g.batches();
        long strideA = batchStride(a.shape(), shape, (long) m * k);
        long strideB = batchStride(b.shape(), shape, (long) k * n);
        if (strideA >= 0 && strideB >= 0 && gemm.available() && shape.numel() > 0 && k > 0) {
            Tensor c = allocate(shape, DType.F32);
            gemm.accelerator().sgemmStridedBatched(handle(a), handle(b), handle(c), m, n, k, transposeA, transposeB,
                    strideA, strideB, (long) m * n, batches);
            return c;
        }
        if (strideA < 0 || strideB < 0 || batches > MAX_GRID_YZ || blocks(m, GEMM_TILE) > MAX_GRID_YZ) {
            return viaCpu(h -> cpu.matmul(h.get(0), h.get(1), transposeA, transposeB), a, b);
        }
        if (shape.numel() == 0) {
            return zeros(shape, DType.F32);
        }
        Tensor c = allocate(shape, DType.F32);
        launch("sgemm_batched", new Dim3(blocks(n, GEMM_TILE), blocks(m, GEMM_TILE), batches), Dim3.of(GEMM_THREADS), 0,
                new KernelArgs().pointer(handle(a)).pointer(handle(b)).pointer(handle(c)).i32(m).i32(n).i32(k)
                        .i32(transposeA ? 1 : 0).i32(transposeB ? 1 : 0).i64(strideA).i64(strideB).i64((long) m * n));
        return c;
    }

    /** Elements between an operand's matrices: {@code matrix}, 0 for a single matrix, -1 if unsupported. */
    private static long batchStride(Shape operand, Shape out, long matrix) {
        int batches = operand.numel(0, operand.rank() - 2);
        if (batches == 1) {
            return 0;
        }
        int shift = out.rank() - operand.rank();
        for (int i = 0; i < operand.rank() - 2; i++) {
            if (operand.dim(i) != out.dim(shift + i)) {
                return -1;
            }
        }
        for (int i = 0; i < shift; i++) {
            if (out.dim(i) != 1) {
                return -1;
            }
        }
        return matrix;
    }

    private static int blocks(long n, int per) {
        return (int) Math.max(1, (n + per - 1) / per);
    }

    /** gemm.cu's {@code ConvGeometry} fields for x [n, c, h, w], weight [o, c, kh, kw], y [n, o, oh, ow]. */
    private static int[] convGeometry(Shape x, Shape weight, int oh, int ow, Conv2dParams p) {
        return new int[] {x.dim(0), x.dim(1), x.dim(2), x.dim(3), weight.dim(0), weight.dim(2), weight.dim(3), oh, ow,
                p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW()};
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        Shape shape = OpChecks.conv2dShape(x.shape(), weight.shape(), bias, params);
        if (shape.numel() == 0) {
            return zeros(shape, DType.F32);
        }
        int[] g = convGeometry(x.shape(), weight.shape(), shape.dim(2), shape.dim(3), params);
        Tensor y = allocate(shape, DType.F32);
        KernelArgs args = new KernelArgs().pointer(handle(x)).pointer(handle(weight));
        (bias == null ? args.nullPointer() : args.pointer(handle(bias))).intStruct(g).pointer(handle(y));
        launch("conv2d_forward", Dim3.of(blocks((long) shape.dim(0) * shape.dim(2) * shape.dim(3), GEMM_TILE),
                blocks(shape.dim(1), GEMM_TILE)), Dim3.of(GEMM_THREADS), 0, args);
        return y;
    }

    @Override
    public Tensor conv2dBackwardInput(Tensor gradOut, Tensor weight, Shape inputShape, Conv2dParams params) {
        OpChecks.checkConv2dBackward("conv2dBackwardInput", gradOut, inputShape, weight.shape(), params);
        return convBackwardInput(gradOut, weight, inputShape, params);
    }

    /** Launches {@code conv2d_backward_input}: also the transposed convolution, whose weight is [in, out, kh, kw]. */
    private Tensor convBackwardInput(Tensor gradOut, Tensor weight, Shape inputShape, Conv2dParams params) {
        if (inputShape.numel() == 0) {
            return zeros(inputShape, DType.F32);
        }
        int[] g = convGeometry(inputShape, weight.shape(), gradOut.dim(2), gradOut.dim(3), params);
        Tensor gradX = allocate(inputShape, DType.F32);
        launch("conv2d_backward_input", Dim3.of(blocks((long) inputShape.dim(0) * inputShape.dim(2) * inputShape.dim(3), GEMM_TILE),
                blocks(inputShape.dim(1), GEMM_TILE)), Dim3.of(GEMM_THREADS), 0,
                new KernelArgs().pointer(handle(gradOut)).pointer(handle(weight)).intStruct(g).pointer(handle(gradX)));
        return gradX;
    }

    @Override
    public Tensor conv2dBackwardWeight(Tensor x, Tensor gradOut, Shape weightShape, Conv2dParams params) {
        OpChecks.checkConv2dBackward("conv2dBackwardWeight", gradOut, x.shape(), weightShape, params);
        if (weightShape.numel() == 0) {
            return zeros(weightShape, DType.F32);
        }
        int[] g = convGeometry(x.shape(), weightShape, gradOut.dim(2), gradOut.dim(3), params);
        Tensor gradW = allocate(weightShape, DType.F32);
        launch("conv2d_backward_weight", Dim3.of(blocks(weightShape.numel(1, 4), GEMM_TILE), blocks(weightShape.dim(0), GEMM_TILE)),
                Dim3.of(GEMM_THREADS), 0,
                new KernelArgs().pointer(handle(x)).pointer(handle(gradOut)).intStruct(g).pointer(handle(gradW)));
        return gradW;
    }

    /** The input-gradient kernel of a convolution with {@code weight} [Cin, Cout, kh, kw], then the bias. */
    @Override
    public Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params) {
        Shape shape = OpChecks.convTranspose2dShape(x.shape(), weight.shape(), bias, params);
        Tensor y = convBackwardInput(x, weight, shape, params);
        return bias == null ? y : binary(BinaryOp.ADD, y, reshape(bias, Shape.of(bias.numel(), 1, 1)));
    }

    /** pool.cu's {@code PoolGeometry} fields. */
    private static int[] poolGeometry(Shape x, Pool2dParams p) {
        return new int[] {x.dim(0) * x.dim(1), x.dim(2), x.dim(3), p.outputH(x.dim(2)), p.outputW(x.dim(3)), p.kernelH(),
                p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.countPadding() ? 1 : 0};
    }

    private Tensor extremePool(String name, Tensor x, Pool2dParams params, boolean takeMin) {
        Shape shape = OpChecks.pool2dShape(name, x.shape(), params);
        Tensor y = allocate(shape, DType.F32);
        launchElementwise("extreme_pool2d", shape.numel(), new KernelArgs().pointer(handle(x))
                .intStruct(poolGeometry(x.shape(), params)).i32(takeMin ? 1 : 0).pointer(handle(y)));
        return y;
    }

    @Override
    public Tensor maxPool2d(Tensor x, Pool2dParams params) {
        return extremePool("maxPool2d", x, params, false);
    }

    @Override
    public Tensor minPool2d(Tensor x, Pool2dParams params) {
        return extremePool("minPool2d", x, params, true);
    }

    @Override
    public Tensor maxPool2dBackward(Tensor x, Tensor gradOut, Pool2dParams params) {
        OpChecks.pool2dShape("maxPool2dBackward", x.shape(), params);
        OpChecks.checkPool2dBackward("maxPool2dBackward", gradOut, x.shape(), params);
        Tensor gradX = zeros(x.shape(), DType.F32);
        launchElementwise("max_pool2d_backward", gradOut.numel(), new KernelArgs().pointer(handle(x))
                .pointer(handle(gradOut)).intStruct(poolGeometry(x.shape(), params)).pointer(handle(gradX)));
        return gradX;
    }

    @Override
    public Tensor avgPool2d(Tensor x, Pool2dParams params) {
        Shape shape = OpChecks.pool2dShape("avgPool2d", x.shape(), params);
        Tensor y = allocate(shape, DType.F32);
        launchElementwise("avg_pool2d", shape.numel(), new KernelArgs().pointer(handle(x))
                .intStruct(poolGeometry(x.shape(), params)).pointer(handle(y)));
        return y;
    }

    @Override
    public Tensor avgPool2dBackward(Tensor gradOut, Shape inputShape, Pool2dParams params) {
        OpChecks.checkPool2dBackward("avgPool2dBackward", gradOut, inputShape, params);
        Tensor gradX = allocate(inputShape, DType.F32);
        launchElementwise("avg_pool2d_backward", inputShape.numel(), new KernelArgs().pointer(handle(gradOut))
                .intStruct(poolGeometry(inputShape, params)).pointer(handle(gradX)));
        return gradX;
    }

    @Override
    public BatchStatistics batchNormStatistics(Tensor x) {
        OpChecks.checkBatchNormInput("batchNormStatistics", x);
        int channels = x.dim(1);
        Tensor mean = allocate(Shape.of(channels), DType.F32);
        Tensor variance = allocate(Shape.of(channels), DType.F32);
        launch("batch_norm_statistics", Dim3.of(channels), Dim3.of(BN_THREADS), 0, new KernelArgs().pointer(handle(x))
                .i32(x.dim(0)).i32(channels).i32(x.dim(2) * x.dim(3)).pointer(handle(mean)).pointer(handle(variance)));
        return new BatchStatistics(mean, variance);
    }

    @Override
    public Tensor batchNorm2d(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias, float eps) {
        OpChecks.checkBatchNorm("batchNorm2d", x, eps, mean, variance, weight, bias);
        Tensor y = allocate(x.shape(), DType.F32);
        launchElementwise("batch_norm_forward", x.numel(), new KernelArgs().pointer(handle(x)).i64(x.numel()).i32(x.dim(1))
                .i32(x.dim(2) * x.dim(3)).pointer(handle(mean)).pointer(handle(variance)).pointer(handle(weight))
                .pointer(handle(bias)).f32(eps).pointer(handle(y)));
        return y;
    }

    @Override
    public BatchNormGradients batchNorm2dBackward(Tensor gradOut, Tensor x, Tensor mean, Tensor variance, Tensor weight,
                                                  float eps, boolean batchStatistics) {
        OpChecks.checkBatchNorm("batchNorm2dBackward", x, eps, mean, variance, weight);
        OpChecks.requireSameShape("batchNorm2dBackward", gradOut, x);
        OpChecks.requireDType("batchNorm2dBackward", gradOut, DType.F32);
        int channels = x.dim(1);
        int plane = x.dim(2) * x.dim(3);
        Tensor gradWeight = allocate(Shape.of(channels), DType.F32);
        Tensor gradBias = allocate(Shape.of(channels), DType.F32);
        launch("batch_norm_backward_reduce", Dim3.of(channels), Dim3.of(BN_THREADS), 0, new KernelArgs()
                .pointer(handle(gradOut)).pointer(handle(x)).i32(x.dim(0)).i32(channels).i32(plane).pointer(handle(mean))
                .pointer(handle(variance)).f32(eps).pointer(handle(gradWeight)).pointer(handle(gradBias)));
        Tensor gradX = allocate(x.shape(), DType.F32);
        launchElementwise("batch_norm_backward_input", x.numel(), new KernelArgs().pointer(handle(gradOut))
                .pointer(handle(x)).i64(x.numel()).i32(channels).i32(plane).pointer(handle(mean)).pointer(handle(variance))
                .pointer(handle(weight)).pointer(handle(gradWeight)).pointer(handle(gradBias)).f32(eps)
                .i32(batchStatistics ? 1 : 0).pointer(handle(gradX)));
        return new BatchNormGradients(gradX, gradWeight, gradBias);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int scaleH, int scaleW) {
        Shape shape = OpChecks.upsampleShape("upsampleNearest2d", x, scaleH, scaleW);
        Tensor y = allocate(shape, DType.F32);
        launchElementwise("upsample_nearest2d", shape.numel(), new KernelArgs().pointer(handle(x)).i32(x.dim(0) * x.dim(1))
                .i32(x.dim(2)).i32(x.dim(3)).i32(scaleH).i32(scaleW).pointer(handle(y)));
        return y;
    }

    @Override
    public Tensor upsampleNearest2dBackward(Tensor gradOut, int scaleH, int scaleW) {
        Shape shape = OpChecks.upsampleBackwardShape(gradOut, scaleH, scaleW);
        Tensor gradX = allocate(shape, DType.F32);
        launchElementwise("upsample_nearest2d_backward", shape.numel(), new KernelArgs().pointer(handle(gradOut))
                .i32(shape.dim(0) * shape.dim(1)).i32(shape.dim(2)).i32(shape.dim(3)).i32(scaleH).i32(scaleW)
                .pointer(handle(gradX)));
        return gradX;
    }

    @Override
    public Tensor softmax(Tensor x, int axis) {
        return softmaxRows(x, axis, false);
    }

    @Override
    public Tensor logSoftmax(Tensor x, int axis) {
        return softmaxRows(x, axis, true);
    }

    /**
     * {@code softmax_rows_f32} along the last axis; another axis is permuted last and back (up to rank 8).
     * Empty tensors and the remaining cases run on the CPU.
     */
    private Tensor softmaxRows(Tensor x, int axis, boolean logarithm) {
        String name = logarithm ? "logSoftmax" : "softmax";
        OpChecks.requireDType(name, x, DType.F32);
        int a = OpChecks.axis(name, x.shape(), axis);
        if (x.numel() == 0 || (a != x.rank() - 1 && x.rank() > MAX_RANK)) {
            return viaCpu(h -> logarithm ? cpu.logSoftmax(h.get(0), axis) : cpu.softmax(h.get(0), axis), x);
        }
        if (a != x.rank() - 1) {
            return softmaxAfterPermute(x, a, logarithm);
        }
        int cols = x.dim(a);
        Tensor y = allocate(x.shape(), DType.F32);
        launch("softmax_rows_f32", Dim3.of(x.numel() / cols), Dim3.of(ROW_THREADS), 0,
                new KernelArgs().pointer(handle(x)).i32(cols).i32(logarithm ? 1 : 0).pointer(handle(y)));
        return y;
    }

    /** Softmax of the rows of {@code x} with {@code axis} moved last, strided back into x's layout. */
    private Tensor softmaxAfterPermute(Tensor x, int axis, boolean logarithm) {
        int rank = x.rank();
        int[] toLast = new int[rank];
        int[] position = new int[rank];  // where each axis of x sits in the permuted layout
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != axis) {
                position[i] = j;
                toLast[j++] = i;
            }
        }
        toLast[rank - 1] = axis;
        position[axis] = rank - 1;
        Tensor y = allocate(x.shape(), DType.F32);
        try (DeviceScope temporaries = openScope()) {
            Tensor rows = softmaxRows(permute(x, toLast), -1, logarithm);
            int[] permutedStrides = rows.shape().strides();
            long[] strides = new long[rank];
            for (int i = 0; i < rank; i++) {
                strides[i] = permutedStrides[position[i]];
            }
            stridedCopy(rows, 0, strides, y, 0, contiguous(x.shape()), x.shape());
        }
        return y;
    }

    /** Targets are range-checked on the host first (the kernel reads the logit they name). */
    @Override
    public Tensor crossEntropy(Tensor logits, Tensor targets) {
        OpChecks.checkCrossEntropy(logits, targets);
        int cols = logits.dim(1);
        for (int t : toInts(targets)) {
            OpChecks.requireIndexInRange("crossEntropy", t, cols);
        }
        Tensor loss = allocate(Shape.of(logits.dim(0)), DType.F32);
        if (logits.dim(0) > 0) {
            launch("cross_entropy_rows_f32", Dim3.of(logits.dim(0)), Dim3.of(ROW_THREADS), 0,
                    new KernelArgs().pointer(handle(logits)).pointer(handle(targets)).i32(cols).pointer(handle(loss)));
        }
        return loss;
    }

    // ---------------------------------------------------------------- fused ops

    /**
     * Inputs whose squared norms or dot products could overflow float (vq_nearest's distances would be
     * inf - inf) run on the CPU; finding out costs two device reductions and one small copy.
     */
    @Override
    public Tensor vqNearest(Tensor z, Tensor codebook) {
        OpChecks.checkVqNearest(z, codebook);
        if (!distancesFitFloat(z, codebook)) {
            return viaCpu(h -> cpu.vqNearest(h.get(0), h.get(1)), z, codebook);
        }
        int n = z.dim(0);
        Tensor out = allocate(Shape.of(n), DType.I32);
        launch("vq_nearest", Dim3.cover(n, VQ_ROWS), Dim3.of(VQ_ROWS), 0, new KernelArgs().pointer(handle(z))
                .pointer(handle(codebook)).i32(n).i32(codebook.dim(0)).i32(z.dim(1)).pointer(handle(out)));
        return out;
    }

    /** Whether {@code ||e||^2 + 2 |z.e|} stays below the float range for every pair (false with NaN inputs). */
    private boolean distancesFitFloat(Tensor z, Tensor codebook) {
        double zMax;
        double eMax;
        try (DeviceScope temporaries = openScope()) {
            zMax = maxAbs(z);
            eMax = maxAbs(codebook);
        }
        return (eMax * eMax + 2 * zMax * eMax) * z.dim(1) < Float.MAX_VALUE;
    }

    private double maxAbs(Tensor x) {
        if (x.numel() == 0) {
            return 0;
        }
        return toFloats(reduce(ReduceOp.MAX, unary(UnaryOp.ABS, x), new int[0], false))[0];
    }

    /** Assignments are range-checked on the host first (the kernel adds at the row they name). */
    @Override
    public VqStatistics vqEmaStatistics(Tensor z, Tensor assignments, int codes) {
        OpChecks.checkVqEmaStatistics(z, assignments, codes);
        for (int a : toInts(assignments)) {
            OpChecks.requireIndexInRange("vqEmaStatistics", a, codes);
        }
        int n = z.dim(0);
        int d = z.dim(1);
        Tensor counts = zeros(Shape.of(codes), DType.F32);
        Tensor sums = zeros(Shape.of(codes, d), DType.F32);
        launchElementwise("vq_ema_statistics", (long) n * d, new KernelArgs().pointer(handle(z)).pointer(handle(assignments))
                .i32(n).i32(d).pointer(handle(counts)).pointer(handle(sums)));
        return new VqStatistics(counts, sums);
    }

    /** Suffix of the narrowest attention kernel whose register width holds both head sizes, or null past 32. */
    private static String attentionWidth(Tensor query, Tensor value) {
        int needed = Math.max(query.dim(3), value.dim(3));
        for (int width : ATT_WIDTHS) {
            if (needed <= width) {
                return "_d" + width;
            }
        }
        return null;
    }

    /** Whether attention.cu's kernels take these shapes (head sizes up to 32, B*H up to 65535, not empty). */
    private static boolean attentionFits(Tensor query, Tensor value) {
        return attentionWidth(query, value) != null && (long) query.dim(0) * query.dim(1) <= MAX_GRID_YZ
                && query.numel() > 0 && value.numel() > 0;
    }

    /** The narrowest of the _d8/_d16/_d32 kernels; head sizes above 32 and empty tensors run on the CPU. */
    @Override
    public AttentionResult causalAttention(Tensor query, Tensor key, Tensor value, float scale) {
        OpChecks.checkAttention(query, key, value);
        if (!attentionFits(query, value)) {
            Tensor[] host = {toCpu(query), toCpu(key), toCpu(value)};
            AttentionResult r = cpu.causalAttention(host[0], host[1], host[2], scale);
            return new AttentionResult(fromCpu(r.out()), fromCpu(r.logSumExp()));
        }
        int heads = query.dim(0) * query.dim(1);
        int len = query.dim(2);
        Tensor out = allocate(value.shape(), DType.F32);
        Tensor lse = allocate(Shape.of(query.dim(0), query.dim(1), len), DType.F32);
        launch("causal_attention_forward" + attentionWidth(query, value), Dim3.of(blocks(len, ATT_TILE), heads), Dim3.of(ATT_TILE), 0,
                new KernelArgs().pointer(handle(query)).pointer(handle(key)).pointer(handle(value)).i32(len)
                        .i32(query.dim(3)).i32(value.dim(3)).f32(scale).pointer(handle(out)).pointer(handle(lse)));
        return new AttentionResult(out, lse);
    }

    /** Head sizes above 32 and empty tensors run on the CPU. */
    @Override
    public AttentionGradients causalAttentionBackward(Tensor query, Tensor key, Tensor value, float scale,
                                                      AttentionResult forward, Tensor gradOut) {
        OpChecks.checkAttentionBackward(query, key, value, forward, gradOut);
        if (!attentionFits(query, value)) {
            AttentionGradients g = cpu.causalAttentionBackward(toCpu(query), toCpu(key), toCpu(value), scale,
                    new AttentionResult(toCpu(forward.out()), toCpu(forward.logSumExp())), toCpu(gradOut));
            return new AttentionGradients(fromCpu(g.query()), fromCpu(g.key()), fromCpu(g.value()));
        }
        int heads = query.dim(0) * query.dim(1);
        int len = query.dim(2);
        int dk = query.dim(3);
        int dv = value.dim(3);
        Tensor delta = allocate(forward.logSumExp().shape(), DType.F32);
        launchElementwise("causal_attention_backward_delta", (long) heads * len, new KernelArgs()
                .pointer(handle(forward.out())).pointer(handle(gradOut)).i32(heads * len).i32(dv).pointer(handle(delta)));
        Tensor gradQ = allocate(query.shape(), DType.F32);
        Tensor gradK = allocate(key.shape(), DType.F32);
        Tensor gradV = allocate(value.shape(), DType.F32);
        Dim3 grid = Dim3.of(blocks(len, ATT_TILE), heads);
        Supplier<KernelArgs> common = () -> new KernelArgs().pointer(handle(query)).pointer(handle(key))
                .pointer(handle(value)).pointer(handle(gradOut)).pointer(handle(forward.logSumExp())).pointer(handle(delta))
                .i32(len).i32(dk).i32(dv).f32(scale);
        String width = attentionWidth(query, value);
        launch("causal_attention_backward_query" + width, grid, Dim3.of(ATT_TILE), 0, common.get().pointer(handle(gradQ)));
        launch("causal_attention_backward_key_value" + width, grid, Dim3.of(ATT_TILE), 0,
                common.get().pointer(handle(gradK)).pointer(handle(gradV)));
        return new AttentionGradients(gradQ, gradK, gradV);
    }

    /** Windows too large for the default shared memory, and more than 65535 planes, run on the CPU. */
    @Override
    public Tensor minAvgPool(Tensor x, int minKernel, int avgKernel) {
        OpChecks.checkMinAvgPool(x, minKernel, avgKernel);
        long inSide = POOL_TILE + avgKernel + minKernel - 2L;
        long minSide = POOL_TILE + avgKernel - 1L;
        long shared = 4 * (inSide * inSide + minSide * minSide);
        int planes = x.dim(0) * x.dim(1);
        if (shared > MAX_DEFAULT_SHARED || planes > MAX_GRID_YZ || x.numel() == 0) {
            return viaCpu(h -> cpu.minAvgPool(h.get(0), minKernel, avgKernel), x);
        }
        int h = x.dim(2);
        int w = x.dim(3);
        Tensor y = allocate(x.shape(), DType.F32);
        launch("min_avg_pool", new Dim3(blocks(w, POOL_TILE), blocks(h, POOL_TILE), planes), Dim3.of(POOL_TILE, POOL_TILE),
                (int) shared, new KernelArgs().pointer(handle(x)).i32(h).i32(w).i32(minKernel).i32(avgKernel).pointer(handle(y)));
        return y;
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams p) {
        OpChecks.checkAdam(param, grad, firstMoment, secondMoment);
        // bias corrections in double: beta^step underflows gracefully and loses nothing for large steps
        float correction1 = (float) (1 - Math.pow(p.beta1(), p.step()));
        float correction2 = (float) (1 - Math.pow(p.beta2(), p.step()));
        launchElementwise("adam_step", param.numel(), new KernelArgs().pointer(handle(param)).pointer(handle(grad))
                .pointer(handle(firstMoment)).pointer(handle(secondMoment)).i64(param.numel()).f32(p.learningRate())
                .f32(p.beta1()).f32(p.beta2()).f32(p.epsilon()).f32(p.weightDecay()).i32(p.decoupled() ? 1 : 0)
                .f32(correction1).f32(correction2));
    }

    @Override
    public String toString() {
        return "CudaBackend(" + runtime.name() + ")";
    }
}
