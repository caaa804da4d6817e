package dev.unmask.autograd;

import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.Op;
import dev.unmask.ops.OpChecks;
import dev.unmask.ops.ReduceOp;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;

import static dev.unmask.autograd.Function.ops;
import static dev.unmask.autograd.Function.scalar;

/** Reductions over axes and their gradients. */
final class ReduceFunctions {
    private ReduceFunctions() {
    }

    static Variable reduce(ReduceOp kind, Variable x, int[] axes, boolean keepDims) {
        if (kind == ReduceOp.MIN) {
            throw new IllegalArgumentException("reduce MIN has no gradient here; use max of the negation");
        }
        Tensor in = x.value();
        int[] normalised = OpChecks.reductionAxes("reduce", in.shape(), axes);
        Tensor out = ops(in).reduce(kind, in, normalised, keepDims);
        Shape kept = OpChecks.reducedShape(in.shape(), normalised, true);
        Function f = kind == ReduceOp.MAX ? new Max(in, ops(in).reshape(out, kept)) : new SumOrMean(kind, in.shape(), kept);
        return Function.record(out, f, x);
    }

    /** Sum spreads the gradient over the reduced axes; mean also divides by their size. */
    private static final class SumOrMean extends Function {
        private final ReduceOp kind;
        private final Shape inShape;
        private final Shape kept;

        SumOrMean(ReduceOp kind, Shape inShape, Shape kept) {
            this.kind = kind;
            this.inShape = inShape;
            this.kept = kept;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor spread = op.expand(op.reshape(g, kept), inShape);
            if (kind == ReduceOp.MEAN) {
                float count = (float) inShape.numel() / kept.numel();
                spread = op.binary(BinaryOp.DIV, spread, scalar(g, count));
            }
            return new Tensor[] {spread};
        }
    }

    /** Ties share the gradient equally, as PyTorch's amax does. */
    private static final class Max extends Function {
        private final Tensor x;
        private final Tensor maxKept;

        Max(Tensor x, Tensor maxKept) {
            this.x = x;
            this.maxKept = maxKept;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor winners = op.compare(CompareOp.EQ, x, maxKept);
            int[] reduced = reducedAxes(maxKept.shape(), x.shape());
            Tensor ties = op.reduce(ReduceOp.SUM, winners, reduced, true);
            Tensor share = op.binary(BinaryOp.DIV, op.reshape(g, maxKept.shape()), ties);
            return new Tensor[] {op.binary(BinaryOp.MUL, winners, share)};
        }

        private static int[] reducedAxes(Shape kept, Shape full) {
            int count = 0;
            int[] axes = new int[full.rank()];
            for (int i = 0; i < full.rank(); i++) {
                if (kept.dim(i) != full.dim(i)) {
                    axes[count++] = i;
                }
            }
            return Arrays.copyOf(axes, count);
        }
    }
}
