package dev.unmask.optim;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.ReduceOp;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.List;

/** Gradient clipping, in place on the parameters' gradients; variables without a gradient are skipped. */
public final class GradientClipping {
    /** Added to the norm before dividing, as torch.nn.utils.clip_grad_norm_ does. */
    private static final double NORM_EPSILON = 1e-6;

    private GradientClipping() {
    }

    /** Clamps every gradient element into {@code [-limit, limit]}. */
    public static void clipByValue(List<? extends Variable> parameters, float limit) {
        if (!(limit >= 0)) {
            throw new IllegalArgumentException("clipByValue: limit must be non-negative, got " + limit);
        }
        for (Variable p : parameters) {
            Tensor g = p.grad();
            if (g != null) {
                Backend op = Backend.of(g);
                op.copyInto(g, op.clamp(g, -limit, limit));
            }
        }
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (norm + 1e-6))}, where {@code norm} is the L2 norm
     * of all gradients together, as torch.nn.utils.clip_grad_norm_. Returns that norm (before clipping).
     */
    public static double clipByNorm(List<? extends Variable> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipByNorm: maximum norm must be positive, got " + maxNorm);
        }
        double squares = 0;
        for (Variable p : parameters) {
            Tensor g = p.grad();
            if (g != null) {
                Backend op = Backend.of(g);
                squares += op.reduce(ReduceOp.SUM, op.binary(BinaryOp.MUL, g, g), new int[0], false).item();
            }
        }
        double norm = Math.sqrt(squares);
        double coefficient = maxNorm / (norm + NORM_EPSILON);
        if (coefficient < 1) {
            for (Variable p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    Backend op = Backend.of(g);
                    op.copyInto(g, op.binary(BinaryOp.MUL, g, op.full(Shape.scalar(), DType.F32, (float) coefficient)));
                }
            }
        }
        return norm;
    }
}
