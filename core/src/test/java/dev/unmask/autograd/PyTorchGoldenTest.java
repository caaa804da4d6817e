package dev.unmask.autograd;

import dev.unmask.backend.Backend;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Forward values and gradients against PyTorch (core/src/test/python/make_autograd_goldens.py). */
class PyTorchGoldenTest {

    @Test
    void conv2dWithStridePaddingDilation() {
        PyTorchGoldens g = PyTorchGoldens.load("conv");
        Variable x = Variable.leaf(g.tensor("conv.x"));
        Variable w = Variable.leaf(g.tensor("conv.w"));
        Variable b = Variable.leaf(g.tensor("conv.b"));
        Variable y = x.conv2d(w, b, new Conv2dParams(2, 1, 1, 2, 2, 1, 0, 0));
        y.backward(g.tensor("conv.gradOut"));
        g.assertClose("conv.y", y.value());
        g.assertClose("conv.dx", x.grad());
        g.assertClose("conv.dw", w.grad());
        g.assertClose("conv.db", b.grad());
    }

    @Test
    void convTranspose2dWithStrideTwoAndOutputPadding() {
        PyTorchGoldens g = PyTorchGoldens.load("conv");
        Variable x = Variable.leaf(g.tensor("convT.x"));
        Variable w = Variable.leaf(g.tensor("convT.w"));
        Variable b = Variable.leaf(g.tensor("convT.b"));
        Variable y = x.convTranspose2d(w, b, new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1));
        y.backward(g.tensor("convT.gradOut"));
        g.assertClose("convT.y", y.value());
        g.assertClose("convT.dx", x.grad());
        g.assertClose("convT.dw", w.grad());
        g.assertClose("convT.db", b.grad());
    }

    @Test
    void crossEntropyMeanAndPerRow() {
        PyTorchGoldens g = PyTorchGoldens.load("loss");
        Variable logits = Variable.leaf(g.tensor("ce.logits"));
        Tensor targets = g.tensor("ce.targets");
        Variable loss = logits.crossEntropy(targets);
        loss.backward();
        g.assertClose("ce.loss", loss.value());
        g.assertClose("ce.dlogits", logits.grad());
        g.assertClose("ce.perRow", logits.crossEntropyPerRow(targets).value());
    }

    @Test
    void causalAttentionAsRosinalitysPixelSnail() {
        PyTorchGoldens g = PyTorchGoldens.load("attention");
        Variable q = Variable.leaf(g.tensor("att.q"));
        Variable k = Variable.leaf(g.tensor("att.k"));
        Variable v = Variable.leaf(g.tensor("att.v"));
        float scale = (float) (1 / Math.sqrt(q.dim(3)));
        Variable out = Variable.causalAttention(q, k, v, scale);
        out.backward(g.tensor("att.gradOut"));
        g.assertClose("att.out", out.value());
        g.assertClose("att.dq", q.grad());
        g.assertClose("att.dk", k.grad());
        g.assertClose("att.dv", v.grad());
    }

    @Test
    void vectorQuantisationStraightThroughWithCodebookAndCommitmentLosses() {
        PyTorchGoldens g = PyTorchGoldens.load("vq");
        Variable z = Variable.leaf(g.tensor("vq.z"));
        Variable codebook = Variable.leaf(g.tensor("vq.codebook"));
        Tensor index = Backend.of(z.value()).vqNearest(z.value(), codebook.value());
        g.assertEqualInts("vq.index", index);
        Variable quantized = codebook.gather(index);
        Variable straight = z.straightThrough(quantized);
        float beta = 0.25f;
        Variable codebookLoss = quantized.sub(z.detach()).square().mean();
        Variable commitment = z.sub(quantized.detach()).square().mean().mul(beta);
        Variable loss = straight.mul(Variable.constant(g.tensor("vq.gradOut"))).sum().add(codebookLoss).add(commitment);
        loss.backward();
        g.assertClose("vq.straight", straight.value());
        g.assertClose("vq.loss", loss.value());
        g.assertClose("vq.dz", z.grad());
        g.assertClose("vq.dcodebook", codebook.grad());
    }
}
