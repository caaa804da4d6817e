package dev.unmask.autograd;

import dev.unmask.ops.OpChecks;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

import static dev.unmask.autograd.Function.ops;
import static dev.unmask.autograd.Function.unbroadcast;

/** Movement operations; each gradient is the inverse movement (or its adjoint) of the forward one. */
final class MovementFunctions {
    private MovementFunctions() {
    }

    static Variable reshape(Variable x, Shape shape) {
        Tensor in = x.value();
        return Function.record(ops(in).reshape(in, shape), new Reshape(in.shape()), x);
    }

    private static final class Reshape extends Function {
        private final Shape inShape;

        Reshape(Shape inShape) {
            this.inShape = inShape;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).reshape(g, inShape)};
        }
    }

    static Variable permute(Variable x, int[] perm) {
        Tensor in = x.value();
        Tensor out = ops(in).permute(in, perm);
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[in.shape().normaliseAxis(perm[i])] = i;
        }
        return Function.record(out, new Permute(inverse), x);
    }

    private static final class Permute extends Function {
        private final int[] inverse;

        Permute(int[] inverse) {
            this.inverse = inverse;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).permute(g, inverse)};
        }
    }

    static Variable slice(Variable x, int axis, int start, int end) {
        Tensor in = x.value();
        int a = in.shape().normaliseAxis(axis);
        Tensor out = ops(in).slice(in, a, start, end);
        int[] before = new int[in.rank()];
        int[] after = new int[in.rank()];
        before[a] = start;
        after[a] = in.dim(a) - end;
        return Function.record(out, new Pad(before, after, true), x);
    }

    static Variable pad(Variable x, int[] before, int[] after, float value) {
        Tensor in = x.value();
        Tensor out = ops(in).pad(in, before, after, value);
        return Function.record(out, new Pad(before.clone(), after.clone(), false), x);
    }

    /**
     * Slice and pad are adjoint: the gradient of a slice is the gradient padded with zeros back to the
     * input's extent, and the gradient of a pad is the gradient sliced back to the input's extent.
     */
    private static final class Pad extends Function {
        private final int[] before;
        private final int[] after;
        private final boolean padGradient;

        Pad(int[] before, int[] after, boolean padGradient) {
            this.before = before;
            this.after = after;
            this.padGradient = padGradient;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            if (padGradient) {
                return new Tensor[] {ops(g).pad(g, before, after, 0f)};
            }
            Tensor out = g;
            for (int i = 0; i < before.length; i++) {
                if (before[i] != 0 || after[i] != 0) {
                    out = ops(g).slice(out, i, before[i], out.dim(i) - after[i]);
                }
            }
            return new Tensor[] {out};
        }
    }

    static Variable concat(List<Variable> xs, int axis) {
        List<Tensor> values = new ArrayList<>(xs.size());
        for (Variable v : xs) {
            values.add(v.value());
        }
        Shape shape = OpChecks.concatShape(values, axis);
        int a = shape.normaliseAxis(axis);
        int[] sizes = new int[values.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = values.get(i).dim(a);
        }
        Tensor out = ops(values.get(0)).concat(values, a);
        return Function.record(out, new Concat(a, sizes), xs.toArray(new Variable[0]));
    }

    private static final class Concat extends Function {
        private final int axis;
        private final int[] sizes;

        Concat(int axis, int[] sizes) {
            this.axis = axis;
            this.sizes = sizes;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor[] grads = new Tensor[sizes.length];
            int start = 0;
            for (int i = 0; i < sizes.length; i++) {
                if (needsGrad(i)) {
                    grads[i] = ops(g).slice(g, axis, start, start + sizes[i]);
                }
                start += sizes[i];
            }
            return grads;
        }
    }

    static Variable expand(Variable x, Shape shape) {
        Tensor in = x.value();
        return Function.record(ops(in).expand(in, shape), new Expand(in.shape()), x);
    }

    private static final class Expand extends Function {
        private final Shape inShape;

        Expand(Shape inShape) {
            this.inShape = inShape;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {unbroadcast(g, inShape)};
        }
    }

    static Variable gather(Variable table, Tensor indices) {
        Tensor t = table.value();
        return Function.record(ops(t).gather(t, indices), new Gather(indices, t.dim(0)), table);
    }

    /** Rows picked several times receive the sum of their gradients. */
    private static final class Gather extends Function {
        private final Tensor indices;
        private final int rows;

        Gather(Tensor indices, int rows) {
            this.indices = indices;
            this.rows = rows;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).scatterAdd(indices, g, rows)};
        }
    }
}
