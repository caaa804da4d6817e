"""Writes the PyTorch goldens read by the autograd, nn and optim tests.

Run from the repository root with Debian's PyTorch:
    /usr/bin/python3 core/src/test/python/make_autograd_goldens.py
Each file maps a name to {"shape": [...], "data": [...]} (row-major, float32 values printed exactly),
or to {"names": [...]} for PyTorch's state_dict key order. Inputs are stored next to the outputs, so the
Java tests need no random generator in common with PyTorch.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "goldens", "autograd")


def entry(t):
    t = torch.as_tensor(t).detach()
    data = t.flatten().tolist() if t.dtype in (torch.int64, torch.int32) else t.double().flatten().tolist()
    return {"shape": list(t.shape), "data": data}


def write(name, cases):
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump({k: (v if isinstance(v, dict) else entry(v)) for k, v in cases.items()}, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")


def leaf(*shape, scale=1.0, shift=0.0):
    return (torch.randn(*shape) * scale + shift).requires_grad_(True)


def conv_cases():
    torch.manual_seed(1)
    cases = {}
    x, w, b = leaf(2, 3, 7, 6), leaf(4, 3, 3, 2), leaf(4)
    y = F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(2, 1))
    g = torch.randn_like(y)
    y.backward(g)
    cases.update({"conv.x": x, "conv.w": w, "conv.b": b, "conv.gradOut": g, "conv.y": y,
                  "conv.dx": x.grad, "conv.dw": w.grad, "conv.db": b.grad})
    x, w, b = leaf(2, 4, 3, 3), leaf(4, 3, 4, 4), leaf(3)
    y = F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    g = torch.randn_like(y)
    y.backward(g)
    cases.update({"convT.x": x, "convT.w": w, "convT.b": b, "convT.gradOut": g, "convT.y": y,
                  "convT.dx": x.grad, "convT.dw": w.grad, "convT.db": b.grad})
    # weight-normalised convolution, rosinality's WNConv2d: parameters weight_g, weight_v, bias
    conv = torch.nn.utils.weight_norm(torch.nn.Conv2d(3, 4, 3, padding=1))
    with torch.no_grad():
        conv.weight_g.copy_(torch.rand(4, 1, 1, 1) + 0.5)
        conv.weight_v.copy_(torch.randn(4, 3, 3, 3))
        conv.bias.copy_(torch.randn(4))
    x = leaf(2, 3, 5, 5)
    y = conv(x)
    g = torch.randn_like(y)
    y.backward(g)
    cases.update({"wn.x": x, "wn.weight_g": conv.weight_g, "wn.weight_v": conv.weight_v, "wn.bias": conv.bias,
                  "wn.gradOut": g, "wn.y": y, "wn.dx": x.grad, "wn.dweight_g": conv.weight_g.grad,
                  "wn.dweight_v": conv.weight_v.grad, "wn.dbias": conv.bias.grad,
                  "wn.names": {"names": list(conv.state_dict().keys())}})
    write("conv", cases)


def batch_norm_cases():
    torch.manual_seed(2)
    bn = torch.nn.BatchNorm2d(4, eps=1e-3, momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(4) + 0.5)
        bn.bias.copy_(torch.randn(4))
    x = leaf(3, 4, 5, 5, scale=2.0, shift=1.5)
    y = bn(x)
    g = torch.randn_like(y)
    y.backward(g)
    write("batchnorm", {"bn.x": x, "bn.weight": bn.weight, "bn.bias": bn.bias, "bn.gradOut": g, "bn.y": y,
                        "bn.dx": x.grad, "bn.dweight": bn.weight.grad, "bn.dbias": bn.bias.grad,
                        "bn.running_mean": bn.running_mean, "bn.running_var": bn.running_var,
                        "bn.names": {"names": list(bn.state_dict().keys())}})


def loss_cases():
    torch.manual_seed(3)
    logits = leaf(5, 7, scale=2.0)
    targets = torch.tensor([0, 6, 3, 3, 1])
    loss = F.cross_entropy(logits, targets)
    loss.backward()
    per_row = F.cross_entropy(logits.detach(), targets, reduction="none")
    write("loss", {"ce.logits": logits, "ce.targets": targets, "ce.loss": loss, "ce.dlogits": logits.grad,
                   "ce.perRow": per_row})


def attention_cases():
    """rosinality's PixelSNAIL CausalAttention core: scores / sqrt(d), keys j < i, softmax, row 0 zeroed."""
    torch.manual_seed(4)
    batch, heads, length, dk, dv = 2, 2, 6, 3, 4
    q, k, v = leaf(batch, heads, length, dk), leaf(batch, heads, length, dk), leaf(batch, heads, length, dv)
    attn = q @ k.transpose(2, 3) / math.sqrt(dk)
    mask = torch.ones(length, length).triu(1).t()
    start_mask = torch.ones(length, 1)
    start_mask[0] = 0
    attn = attn.masked_fill(mask == 0, -1e4)
    attn = torch.softmax(attn, 3) * start_mask
    out = attn @ v
    g = torch.randn_like(out)
    out.backward(g)
    write("attention", {"att.q": q, "att.k": k, "att.v": v, "att.gradOut": g, "att.out": out,
                        "att.dq": q.grad, "att.dk": k.grad, "att.dv": v.grad})


def vq_cases():
    """Straight-through VQ with codebook and commitment losses (beta = 0.25) on a 6 x 4 encoder output."""
    torch.manual_seed(5)
    z = leaf(6, 4)
    codebook = leaf(5, 4)
    distances = (z.detach() ** 2).sum(1, keepdim=True) - 2 * z.detach() @ codebook.detach().t() \
        + (codebook.detach() ** 2).sum(1)
    index = distances.argmin(1)
    quantized = codebook[index]
    straight = z + (quantized - z).detach()
    g = torch.randn_like(straight)
    beta = 0.25
    loss = (straight * g).sum() + F.mse_loss(quantized, z.detach()) + beta * F.mse_loss(z, quantized.detach())
    loss.backward()
    write("vq", {"vq.z": z, "vq.codebook": codebook, "vq.gradOut": g, "vq.index": index, "vq.straight": straight,
                 "vq.loss": loss, "vq.dz": z.grad, "vq.dcodebook": codebook.grad})


def regression_problem():
    torch.manual_seed(6)
    x = torch.randn(4, 3)
    target = torch.randn(4, 2)
    w = torch.randn(3, 2)
    b = torch.randn(2)
    return x, target, w, b


def regression_loss(x, target, w, b):
    return ((x @ w + b - target) ** 2).mean()


def optim_cases():
    x, target, w0, b0 = regression_problem()
    cases = {"opt.x": x, "opt.target": target, "opt.w0": w0, "opt.b0": b0}
    runs = {
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.1),
        "adamL2": lambda ps: torch.optim.Adam(ps, lr=0.1, weight_decay=0.1),
        "adamW": lambda ps: torch.optim.AdamW(ps, lr=0.1, weight_decay=0.1),
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    }
    for name, make in runs.items():
        w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
        opt = make([w, b])
        for step in range(1, 4):
            opt.zero_grad()
            regression_loss(x, target, w, b).backward()
            opt.step()
            cases[f"opt.{name}.w{step}"] = w.detach().clone()
            cases[f"opt.{name}.b{step}"] = b.detach().clone()
    w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    regression_loss(x, target, w, b).backward()
    total = torch.nn.utils.clip_grad_norm_([w, b], max_norm=0.5)
    cases.update({"clip.norm": total, "clip.dw": w.grad, "clip.db": b.grad})
    write("optim", cases)


def names_cases():
    seq = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 2, 1))
    write("names", {"sequential.names": {"names": list(seq.state_dict().keys())}})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    conv_cases()
    batch_norm_cases()
    loss_cases()
    attention_cases()
    vq_cases()
    optim_cases()
    names_cases()
