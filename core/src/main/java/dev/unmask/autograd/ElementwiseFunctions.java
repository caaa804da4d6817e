package dev.unmask.autograd;

import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.Op;
import dev.unmask.ops.UnaryOp;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import static dev.unmask.autograd.Function.ops;
import static dev.unmask.autograd.Function.scalar;
import static dev.unmask.autograd.Function.unbroadcast;

/** Elementwise operations and their gradients; binary ones broadcast and sum gradients back. */
final class ElementwiseFunctions {
    private ElementwiseFunctions() {
    }

    static Variable binary(BinaryOp kind, Variable a, Variable b) {
        Tensor x = a.value();
        Tensor y = b.value();
        Tensor out = ops(x).binary(kind, x, y);
        return Function.record(out, new Binary(kind, x, y), a, b);
    }

    /** {@code a op b}: ADD, SUB, MUL and DIV (MAX and MIN are not differentiated here). */
    private static final class Binary extends Function {
        private final BinaryOp kind;
        private final Tensor a;
        private final Tensor b;

        Binary(BinaryOp kind, Tensor a, Tensor b) {
            if (kind == BinaryOp.MAX || kind == BinaryOp.MIN) {
                throw new IllegalArgumentException("binary " + kind + " has no gradient here; use where with a comparison");
            }
            this.kind = kind;
            this.a = a;
            this.b = b;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor ga = null;
            Tensor gb = null;
            if (needsGrad(0)) {
                ga = switch (kind) {
                    case ADD, SUB -> g;
                    case MUL -> op.binary(BinaryOp.MUL, g, b);
                    default -> op.binary(BinaryOp.DIV, g, b);
                };
                ga = unbroadcast(ga, a.shape());
            }
            if (needsGrad(1)) {
                gb = switch (kind) {
                    case ADD -> g;
                    case SUB -> op.unary(UnaryOp.NEG, g);
                    case MUL -> op.binary(BinaryOp.MUL, g, a);
                    // d(a/b)/db = -a / b^2
                    default -> op.unary(UnaryOp.NEG, op.binary(BinaryOp.DIV,
                            op.binary(BinaryOp.MUL, g, a), op.binary(BinaryOp.MUL, b, b)));
                };
                gb = unbroadcast(gb, b.shape());
            }
            return new Tensor[] {ga, gb};
        }
    }

    static Variable unary(UnaryOp kind, Variable x) {
        Tensor in = x.value();
        Tensor out = ops(in).unary(kind, in);
        return Function.record(out, new Unary(kind, in, out), x);
    }

    /** Parameter-free unary functions; each derivative is written with the input or the output. */
    private static final class Unary extends Function {
        private final UnaryOp kind;
        private final Tensor x;
        private final Tensor y;

        Unary(UnaryOp kind, Tensor x, Tensor y) {
            this.kind = kind;
            this.x = x;
            this.y = y;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor zero = scalar(g, 0f);
            Tensor one = scalar(g, 1f);
            Tensor dx = switch (kind) {
                case NEG -> op.unary(UnaryOp.NEG, g);
                case EXP -> op.binary(BinaryOp.MUL, g, y);
                case LOG -> op.binary(BinaryOp.DIV, g, x);
                case SQRT -> op.binary(BinaryOp.DIV, g, op.binary(BinaryOp.MUL, y, scalar(g, 2f)));
                case ABS -> op.binary(BinaryOp.MUL, g,
                        op.binary(BinaryOp.SUB, op.compare(CompareOp.GT, x, zero), op.compare(CompareOp.LT, x, zero)));
                case RELU -> op.reluBackward(g, x);
                case SIGMOID -> op.binary(BinaryOp.MUL, g, op.binary(BinaryOp.MUL, y, op.binary(BinaryOp.SUB, one, y)));
                case TANH -> op.binary(BinaryOp.MUL, g, op.binary(BinaryOp.SUB, one, op.binary(BinaryOp.MUL, y, y)));
            };
            return new Tensor[] {dx};
        }
    }

    static Variable elu(Variable x, float alpha) {
        Tensor in = x.value();
        Tensor out = ops(in).elu(in, alpha);
        return Function.record(out, new Elu(in, out, alpha), x);
    }

    /** For x &lt;= 0, d/dx alpha (e^x - 1) = y + alpha. */
    private static final class Elu extends Function {
        private final Tensor x;
        private final Tensor y;
        private final float alpha;

        Elu(Tensor x, Tensor y, float alpha) {
            this.x = x;
            this.y = y;
            this.alpha = alpha;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).eluBackward(g, x, y, alpha)};
        }
    }

    static Variable leakyRelu(Variable x, float slope) {
        Tensor in = x.value();
        Tensor out = ops(in).leakyRelu(in, slope);
        return Function.record(out, new LeakyRelu(in, slope), x);
    }

    private static final class LeakyRelu extends Function {
        private final Tensor x;
        private final float slope;

        LeakyRelu(Tensor x, float slope) {
            this.x = x;
            this.slope = slope;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            return new Tensor[] {op.where(op.compare(CompareOp.GT, x, scalar(g, 0f)), g,
                    op.binary(BinaryOp.MUL, g, scalar(g, slope)))};
        }
    }

    static Variable clamp(Variable x, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
        }
        Tensor in = x.value();
        Tensor out = ops(in).clamp(in, lo, hi);
        return Function.record(out, new Clamp(in, lo, hi), x);
    }

    /** The gradient passes where {@code lo <= x <= hi}, as in PyTorch. */
    private static final class Clamp extends Function {
        private final Tensor x;
        private final float lo;
        private final float hi;

        Clamp(Tensor x, float lo, float hi) {
            this.x = x;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor inside = op.binary(BinaryOp.MUL, op.compare(CompareOp.GE, x, scalar(g, lo)),
                    op.compare(CompareOp.LE, x, scalar(g, hi)));
            return new Tensor[] {op.binary(BinaryOp.MUL, g, inside)};
        }
    }

    static Variable where(Tensor mask, Variable a, Variable b) {
        Tensor out = ops(mask).where(mask, a.value(), b.value());
        return Function.record(out, new Where(mask, a.shape(), b.shape()), a, b);
    }

    /** Each branch receives the gradient where it was chosen. */
    private static final class Where extends Function {
        private final Tensor mask;
        private final Shape aShape;
        private final Shape bShape;

        Where(Tensor mask, Shape aShape, Shape bShape) {
            this.mask = mask;
            this.aShape = aShape;
            this.bShape = bShape;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor zero = scalar(g, 0f);
            Tensor ga = needsGrad(0) ? unbroadcast(op.where(mask, g, zero), aShape) : null;
            Tensor gb = needsGrad(1) ? unbroadcast(op.where(mask, zero, g), bShape) : null;
            return new Tensor[] {ga, gb};
        }
    }
}
