#!/usr/bin/python3
"""Writes the PyTorch goldens read by the PixelSNAIL tests (dev.unmask.models.pixelsnail).

Run from anywhere with Debian's PyTorch:  /usr/bin/python3 core/src/test/python/make_pixelsnail_goldens.py

The PyTorch model below is written for this script and follows the structure and parameter names of
rosinality's vq-vae-2-pytorch pixelsnail.py (MIT), including two behaviours of that code a port must keep:
- its ELUs run in place (nn.ELU(inplace=True)), so a gated residual block adds elu(input), not input,
  to its output, and a PixelBlock's key sees elu(block input) once its first residual block has run;
- a 'causal' convolution zeroes weight_v[:, :, -1, centre:] in place before every forward pass, and
  the gradient PyTorch reports for those zeroed entries is not zero.
Weights: PyTorch's default init, then weight_norm (g = ||w||), then g scaled by U(0.5, 1.5) and every
bias drawn from N(0, 0.1^2), so g, v and bias all matter. Dropout is 0, so the model is deterministic.

Files (safetensors, written by hand with struct + json as torch 1.13 has no safetensors module):
- model.safetensors: the state dict (rosinality names, background buffer included), "codes" (I32
  [B, H, W]) and "logits" [B, K, H, W]; __metadata__ "config" (JSON) and "names" (the state-dict names in
  PyTorch's order, comma-separated).
- gradients.safetensors: "grad.<name>" for every parameter: gradients of the mean cross-entropy of the
  logits against the codes themselves (teacher forcing), and "loss".
- resblock.safetensors: one GatedResBlock with a 'causal' 3x3 convolution, an auxiliary input and a
  condition: its state dict, inputs, output, and gradients of sum(output * gradOut).
"""
import json
import math
import pathlib
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "goldens" / "pixelsnail"

CONFIG = {"height": 6, "width": 8, "classes": 16, "channel": 16, "kernel": 5, "blocks": 2, "resBlocks": 1,
          "resChannel": 16, "attention": True, "dropout": 0.0, "heads": 2}
BATCH = 2


def wn_conv(cin, cout, kernel, padding=0, bias=True):
    return nn.utils.weight_norm(nn.Conv2d(cin, cout, kernel, padding=padding, bias=bias))


class WNConv2d(nn.Module):
    def __init__(self, cin, cout, kernel, padding=0, bias=True):
        super().__init__()
        self.conv = wn_conv(cin, cout, kernel, padding, bias)

    def forward(self, x):
        return self.conv(x)


class CausalConv2d(nn.Module):
    """padding: 'down' (rows above and the current row's kernel centred), 'downright', or 'causal'."""

    def __init__(self, cin, cout, kernel, padding):
        super().__init__()
        kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
        if padding == "downright":
            pads = [kw - 1, 0, kh - 1, 0]
        else:
            pads = [kw // 2, kw // 2, kh - 1, 0]
        self.causal = kw // 2 if padding == "causal" else 0
        self.pad = nn.ZeroPad2d(pads)
        self.conv = WNConv2d(cin, cout, [kh, kw])

    def forward(self, x):
        if self.causal > 0:
            self.conv.conv.weight_v.data[:, :, -1, self.causal:].zero_()
        return self.conv(self.pad(x))


class GatedResBlock(nn.Module):
    def __init__(self, cin, channel, kernel, conv="wnconv2d", dropout=0.0, aux_channel=0, condition_dim=0):
        super().__init__()
        if conv == "wnconv2d":
            make = lambda a, b: WNConv2d(a, b, kernel, padding=kernel // 2)
        else:
            make = lambda a, b: CausalConv2d(a, b, kernel, padding=conv)
        self.activation = nn.ELU(inplace=True)
        self.conv1 = make(cin, channel)
        if aux_channel > 0:
            self.aux_conv = WNConv2d(aux_channel, channel, 1)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = make(channel, cin * 2)
        if condition_dim > 0:
            self.condition = WNConv2d(condition_dim, cin * 2, 1, bias=False)
        self.gate = nn.GLU(1)

    def forward(self, x, aux=None, condition=None):
        out = self.conv1(self.activation(x))  # overwrites x with elu(x)
        if aux is not None:
            out = out + self.aux_conv(self.activation(aux))
        out = self.conv2(self.dropout(self.activation(out)))
        if condition is not None:
            out = out + self.condition(condition)
        out = self.gate(out)
        out += x  # x now holds elu(x)
        return out


class CausalAttention(nn.Module):
    def __init__(self, query_channel, key_channel, channel, heads):
        super().__init__()
        self.query = nn.utils.weight_norm(nn.Linear(query_channel, channel))
        self.key = nn.utils.weight_norm(nn.Linear(key_channel, channel))
        self.value = nn.utils.weight_norm(nn.Linear(key_channel, channel))
        self.heads = heads
        self.head_dim = channel // heads

    def forward(self, query, key):
        b, _, h, w = key.shape
        length = h * w

        def split(t):  # [B, L, C] -> [B, heads, L, head_dim]
            return t.view(b, length, self.heads, self.head_dim).transpose(1, 2)

        q = split(self.query(query.flatten(2).transpose(1, 2)))
        k = split(self.key(key.flatten(2).transpose(1, 2)))
        v = split(self.value(key.flatten(2).transpose(1, 2)))
        scores = q @ k.transpose(2, 3) / math.sqrt(self.head_dim)
        allowed = torch.ones(length, length).tril(-1)  # query i sees keys j < i
        scores = scores.masked_fill(allowed == 0, -1e9)
        start = torch.ones(length, 1)
        start[0] = 0  # row 0 sees nothing
        probabilities = torch.softmax(scores, 3) * start
        out = probabilities @ v  # [B, heads, L, head_dim]
        return out.transpose(1, 2).reshape(b, h, w, -1).permute(0, 3, 1, 2)


class PixelBlock(nn.Module):
    def __init__(self, channel, res_channel, kernel, res_blocks, heads, dropout):
        super().__init__()
        self.resblocks = nn.ModuleList(
            [GatedResBlock(channel, res_channel, kernel, conv="causal", dropout=dropout) for _ in range(res_blocks)])
        self.key_resblock = GatedResBlock(channel * 2 + 2, channel, 1, dropout=dropout)
        self.query_resblock = GatedResBlock(channel + 2, channel, 1, dropout=dropout)
        self.causal_attention = CausalAttention(channel + 2, channel * 2 + 2, channel // 2, heads)
        self.out_resblock = GatedResBlock(channel, channel, 1, aux_channel=channel // 2, dropout=dropout)

    def forward(self, x, background):
        out = x
        for block in self.resblocks:
            out = block(out)
        key = self.key_resblock(torch.cat([x, out, background], 1))
        query = self.query_resblock(torch.cat([out, background], 1))
        return self.out_resblock(out, self.causal_attention(query, key))


class PixelSNAIL(nn.Module):
    def __init__(self, c):
        super().__init__()
        k, height, width = c["kernel"], c["height"], c["width"]
        self.classes = c["classes"]
        self.horizontal = CausalConv2d(c["classes"], c["channel"], [k // 2, k], padding="down")
        self.vertical = CausalConv2d(c["classes"], c["channel"], [(k + 1) // 2, k // 2], padding="downright")
        rows = ((torch.arange(height).float() - height / 2) / height).view(1, 1, height, 1).expand(1, 1, height, width)
        cols = ((torch.arange(width).float() - width / 2) / width).view(1, 1, 1, width).expand(1, 1, height, width)
        self.register_buffer("background", torch.cat([rows, cols], 1))
        self.blocks = nn.ModuleList([PixelBlock(c["channel"], c["resChannel"], k, c["resBlocks"], c["heads"],
                                                c["dropout"]) for _ in range(c["blocks"])])
        self.out = nn.Sequential(nn.ELU(inplace=True), WNConv2d(c["channel"], c["classes"], 1))

    def forward(self, codes):
        b, h, w = codes.shape
        x = F.one_hot(codes, self.classes).permute(0, 3, 1, 2).float()
        horizontal = F.pad(self.horizontal(x), [0, 0, 1, 0])[:, :, :h, :]  # shift down one row
        vertical = F.pad(self.vertical(x), [1, 0, 0, 0])[:, :, :, :w]  # shift right one column
        out = horizontal + vertical
        background = self.background[:, :, :h, :].expand(b, 2, h, w)
        for block in self.blocks:
            out = block(out, background)
        return self.out(out)


def randomise(module):
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight_g"):
                p.mul_(torch.rand_like(p) + 0.5)
            elif name.endswith("bias"):
                p.copy_(torch.randn_like(p) * 0.1)


DTYPES = {torch.float32: "F32", torch.int32: "I32"}


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    print(path, path.stat().st_size, "bytes")


def model_goldens():
    torch.manual_seed(7)
    model = PixelSNAIL(CONFIG)
    randomise(model)
    codes = torch.randint(0, CONFIG["classes"], (BATCH, CONFIG["height"], CONFIG["width"]))
    logits = model(codes)
    loss = F.cross_entropy(logits, codes)
    loss.backward()
    # the forward pass zeroed the masked taps of the causal weights, so the saved state has them zeroed
    state = {name: t.detach().clone() for name, t in model.state_dict().items()}
    tensors = dict(state)
    tensors["codes"] = codes.to(torch.int32)
    tensors["logits"] = logits.detach()
    metadata = {"config": json.dumps(CONFIG), "names": ",".join(state)}
    write_safetensors(OUT / "model.safetensors", tensors, metadata)
    grads = {"grad." + name: p.grad for name, p in model.named_parameters()}
    grads["loss"] = loss.detach().reshape(())
    write_safetensors(OUT / "gradients.safetensors", grads, {"source": "mean cross-entropy of model.safetensors"})

    # the port must reproduce the in-place ELUs: without them the logits differ
    plain = PixelSNAIL(CONFIG)
    plain.load_state_dict(model.state_dict())
    for m in plain.modules():
        if isinstance(m, nn.ELU):
            m.inplace = False
    assert not torch.allclose(plain(codes), logits, atol=1e-3), "in-place ELU should change the result"


def resblock_goldens():
    torch.manual_seed(11)
    block = GatedResBlock(4, 6, 3, conv="causal", aux_channel=3, condition_dim=2)
    randomise(block)
    x = torch.randn(2, 4, 5, 6)
    aux = torch.randn(2, 3, 5, 6)
    condition = torch.randn(2, 2, 5, 6)
    inputs = {"x": x.clone(), "aux": aux.clone(), "condition": condition.clone()}
    out = block(x, aux, condition)
    grad_out = torch.randn_like(out)
    out.backward(grad_out)
    tensors = {name: t.detach().clone() for name, t in block.state_dict().items()}
    tensors.update(inputs)
    tensors["gradOut"] = grad_out
    tensors["out"] = out.detach()
    tensors.update({"grad." + name: p.grad for name, p in block.named_parameters()})
    write_safetensors(OUT / "resblock.safetensors", tensors, {"names": ",".join(block.state_dict())})


def main():
    assert sys.byteorder == "little", "numpy tobytes() must give little-endian bytes"
    OUT.mkdir(parents=True, exist_ok=True)
    model_goldens()
    resblock_goldens()


if __name__ == "__main__":
    main()
