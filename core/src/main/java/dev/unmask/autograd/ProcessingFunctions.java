package dev.unmask.autograd;

import dev.unmask.ops.BatchNormGradients;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.Op;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import static dev.unmask.autograd.Function.ops;
import static dev.unmask.autograd.Function.unbroadcast;

/** Matrix products, convolutions, pooling, softmax and cross-entropy, with their gradients. */
final class ProcessingFunctions {
    private static final int[] BIAS_AXES = {0, 2, 3};

    private ProcessingFunctions() {
    }

    static Variable matmul(Variable a, Variable b, boolean transposeA, boolean transposeB) {
        Tensor x = a.value();
        Tensor y = b.value();
        Tensor out = ops(x).matmul(x, y, transposeA, transposeB);
        return Function.record(out, new Matmul(x, y, transposeA, transposeB), a, b);
    }

    /**
     * With A' = op(A) and B' = op(B): dA' = G B'^T and dB' = A'^T G, transposed back where the forward
     * pass transposed; broadcast batch dimensions are summed back.
     */
    private static final class Matmul extends Function {
        private final Tensor a;
        private final Tensor b;
        private final boolean transposeA;
        private final boolean transposeB;

        Matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
            this.a = a;
            this.b = b;
            this.transposeA = transposeA;
            this.transposeB = transposeB;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor ga = null;
            Tensor gb = null;
            if (needsGrad(0)) {
                ga = transposeA ? op.matmul(b, g, transposeB, true) : op.matmul(g, b, false, !transposeB);
                ga = unbroadcast(ga, a.shape());
            }
            if (needsGrad(1)) {
                gb = transposeB ? op.matmul(g, a, true, transposeA) : op.matmul(a, g, !transposeA, false);
                gb = unbroadcast(gb, b.shape());
            }
            return new Tensor[] {ga, gb};
        }
    }

    static Variable conv2d(Variable x, Variable weight, Variable bias, Conv2dParams params) {
        Tensor in = x.value();
        Tensor w = weight.value();
        Tensor out = ops(in).conv2d(in, w, bias == null ? null : bias.value(), params);
        Function f = new Conv(in, w, params, false);
        return bias == null ? Function.record(out, f, x, weight) : Function.record(out, f, x, weight, bias);
    }

    static Variable convTranspose2d(Variable x, Variable weight, Variable bias, Conv2dParams params) {
        Tensor in = x.value();
        Tensor w = weight.value();
        Tensor out = ops(in).convTranspose2d(in, w, bias == null ? null : bias.value(), params);
        Function f = new Conv(in, w, params, true);
        return bias == null ? Function.record(out, f, x, weight) : Function.record(out, f, x, weight, bias);
    }

    /**
     * Convolution and transposed convolution. A transposed convolution is the input-gradient of the
     * convolution with the same weight, so its input-gradient is that convolution applied to G, and its
     * weight-gradient is the convolution's weight-gradient with the roles of input and output swapped.
     * The bias gradient sums G over batch and space.
     */
    private static final class Conv extends Function {
        private final Tensor x;
        private final Tensor w;
        private final Conv2dParams params;
        private final boolean transposed;

        Conv(Tensor x, Tensor w, Conv2dParams params, boolean transposed) {
            this.x = x;
            this.w = w;
            this.params = params;
            this.transposed = transposed;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor[] grads = new Tensor[inputs().length];
            if (transposed) {
                Conv2dParams forward = new Conv2dParams(params.strideH(), params.strideW(), params.padH(), params.padW(),
                        params.dilationH(), params.dilationW(), 0, 0);
                grads[0] = needsGrad(0) ? op.conv2d(g, w, null, forward) : null;
                grads[1] = needsGrad(1) ? op.conv2dBackwardWeight(g, x, w.shape(), forward) : null;
            } else {
                grads[0] = needsGrad(0) ? op.conv2dBackwardInput(g, w, x.shape(), params) : null;
                grads[1] = needsGrad(1) ? op.conv2dBackwardWeight(x, g, w.shape(), params) : null;
            }
            if (grads.length == 3 && needsGrad(2)) {
                grads[2] = op.reduce(ReduceOp.SUM, g, BIAS_AXES, false);
            }
            return grads;
        }
    }

    static Variable maxPool2d(Variable x, Pool2dParams params) {
        Tensor in = x.value();
        return Function.record(ops(in).maxPool2d(in, params), new MaxPool(in, params), x);
    }

    private static final class MaxPool extends Function {
        private final Tensor x;
        private final Pool2dParams params;

        MaxPool(Tensor x, Pool2dParams params) {
            this.x = x;
            this.params = params;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).maxPool2dBackward(x, g, params)};
        }
    }

    static Variable avgPool2d(Variable x, Pool2dParams params) {
        Tensor in = x.value();
        return Function.record(ops(in).avgPool2d(in, params), new AvgPool(in.shape(), params), x);
    }

    private static final class AvgPool extends Function {
        private final Shape inShape;
        private final Pool2dParams params;

        AvgPool(Shape inShape, Pool2dParams params) {
            this.inShape = inShape;
            this.params = params;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).avgPool2dBackward(g, inShape, params)};
        }
    }

    static Variable batchNorm2d(Variable x, Variable weight, Variable bias, Tensor mean, Tensor variance, float eps,
                                boolean batchStatistics) {
        Tensor in = x.value();
        Tensor out = ops(in).batchNorm2d(in, mean, variance, weight.value(), bias.value(), eps);
        return Function.record(out, new BatchNorm(in, mean, variance, weight.value(), eps, batchStatistics), x, weight, bias);
    }

    /** The backend's fused gradient; with batch statistics it includes the statistics' dependence on x. */
    private static final class BatchNorm extends Function {
        private final Tensor x;
        private final Tensor mean;
        private final Tensor variance;
        private final Tensor weight;
        private final float eps;
        private final boolean batchStatistics;

        BatchNorm(Tensor x, Tensor mean, Tensor variance, Tensor weight, float eps, boolean batchStatistics) {
            this.x = x;
            this.mean = mean;
            this.variance = variance;
            this.weight = weight;
            this.eps = eps;
            this.batchStatistics = batchStatistics;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            BatchNormGradients grads = ops(g).batchNorm2dBackward(g, x, mean, variance, weight, eps, batchStatistics);
            return new Tensor[] {grads.input(), grads.weight(), grads.bias()};
        }
    }

    static Variable upsampleNearest2d(Variable x, int scaleH, int scaleW) {
        Tensor in = x.value();
        return Function.record(ops(in).upsampleNearest2d(in, scaleH, scaleW), new UpsampleNearest(scaleH, scaleW), x);
    }

    /** Each input element was copied into a block of the output, so its gradient is that block's sum. */
    private static final class UpsampleNearest extends Function {
        private final int scaleH;
        private final int scaleW;

        UpsampleNearest(int scaleH, int scaleW) {
            this.scaleH = scaleH;
            this.scaleW = scaleW;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {ops(g).upsampleNearest2dBackward(g, scaleH, scaleW)};
        }
    }

    static Variable softmax(Variable x, int axis, boolean log) {
        Tensor in = x.value();
        int a = in.shape().normaliseAxis(axis);
        Tensor out = log ? ops(in).logSoftmax(in, a) : ops(in).softmax(in, a);
        return Function.record(out, new Softmax(out, a, log), x);
    }

    /**
     * With y = softmax(x): dx = y (g - sum(g y)). With y = log_softmax(x): dx = g - exp(y) sum(g).
     * Sums run along the softmax axis.
     */
    private static final class Softmax extends Function {
        private final Tensor y;
        private final int[] axis;
        private final boolean log;

        Softmax(Tensor y, int axis, boolean log) {
            this.y = y;
            this.axis = new int[] {axis};
            this.log = log;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            if (log) {
                Tensor total = op.reduce(ReduceOp.SUM, g, axis, true);
                return new Tensor[] {op.binary(BinaryOp.SUB, g, op.binary(BinaryOp.MUL, op.unary(UnaryOp.EXP, y), total))};
            }
            Tensor dot = op.reduce(ReduceOp.SUM, op.binary(BinaryOp.MUL, g, y), axis, true);
            return new Tensor[] {op.binary(BinaryOp.MUL, y, op.binary(BinaryOp.SUB, g, dot))};
        }
    }

    static Variable crossEntropy(Variable logits, Tensor targets) {
        Tensor in = logits.value();
        return Function.record(ops(in).crossEntropy(in, targets), new CrossEntropy(in, targets), logits);
    }

    /** d loss_n / d logits_n = softmax(logits_n) - onehot(target_n), scaled by g_n. */
    private static final class CrossEntropy extends Function {
        private final Tensor logits;
        private final Tensor targets;

        CrossEntropy(Tensor logits, Tensor targets) {
            this.logits = logits;
            this.targets = targets;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Op op = ops(g);
            Tensor p = op.softmax(logits, 1);
            Tensor diff = op.binary(BinaryOp.SUB, p, op.oneHot(targets, logits.dim(1)));
            return new Tensor[] {op.binary(BinaryOp.MUL, diff, op.reshape(g, Shape.of(logits.dim(0), 1)))};
        }
    }
}
