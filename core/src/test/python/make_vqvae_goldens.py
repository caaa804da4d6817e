#!/usr/bin/python3
"""PyTorch goldens for the one-level VQ-VAE (dev.unmask.models.vqvae).

Run from anywhere with Debian's Python (it has torch 1.13):
    /usr/bin/python3 core/src/test/python/make_vqvae_goldens.py

The model below is written here from the structure of rosinality's vq-vae-2-pytorch (Encoder, Decoder,
ResBlock, EMA Quantize) with its parameter names, cut to one level as DESIGN.md section 4 describes:
enc, quantize_conv, quantize, dec. Tiny configurations (channel 16, one residual block, D = 8, K = 16)
at strides 4 and 8, two random 32x32 RGB images each.

Each output file is a safetensors file, written by hand with struct + json (torch 1.13 has no
safetensors module), holding:
    state.<name>   the state dict the Java model loads (PyTorch's order; __metadata__ state_names too)
    input          the images [2, 3, 32, 32]
    out.reconstruction, out.latent_loss, out.recon_loss, out.loss, out.codes (I32)
                   from one train-mode forward; loss = MSE(reconstruction, input) + 0.25 * latent_loss
    grad.<name>    d loss / d parameter after backward of that loss
    ema.<name>     the buffers quantize.embed, quantize.cluster_size, quantize.embed_avg after the
                   forward's EMA update
and for stride 4 also the codebook-by-loss variant (embed a parameter, no EMA, beta = 0.5):
    loss_mode.latent_loss, loss_mode.loss, loss_mode.grad.<name>
    with latent = mean((e - sg[z])^2) + 0.5 * mean((sg[e] - z)^2), loss = MSE + latent.

The nearest-code argmin must not be decided by rounding: every vector's best and second-best squared
distances differ by at least ARGMIN_RELATIVE_MARGIN times the latents' mean squared norm, else the
seed is advanced and everything is drawn again.
"""
import json
import pathlib
import struct

import torch
from torch import nn
from torch.nn import functional as F

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "goldens" / "vqvae"

# Java computes distances as ||e||^2 - 2 z.e in float32 from features that differ from PyTorch's by
# rounding (about 1e-6 relative), so its distances are off by about 1e-6 of the squared norms; a gap of
# 1e-4 of the mean squared norm of the latents cannot flip.
ARGMIN_RELATIVE_MARGIN = 1e-4
LATENT_WEIGHT = 0.25
LOSS_MODE_BETA = 0.5


class Quantize(nn.Module):
    def __init__(self, dim, n_embed, ema=True, decay=0.99, eps=1e-5):
        super().__init__()
        self.dim, self.n_embed, self.ema, self.decay, self.eps = dim, n_embed, ema, decay, eps
        embed = torch.randn(dim, n_embed)
        if ema:
            self.register_buffer("embed", embed)
            self.register_buffer("cluster_size", torch.ones(n_embed))
            self.register_buffer("embed_avg", embed.clone())
        else:
            self.embed = nn.Parameter(embed)

    def distances(self, flat):
        return (flat.pow(2).sum(1, keepdim=True) - 2 * flat @ self.embed
                + self.embed.pow(2).sum(0, keepdim=True))

    def forward(self, z):
        flat = z.reshape(-1, self.dim)
        index = self.distances(flat).argmin(1)
        quantized = F.embedding(index, self.embed.t()).view(z.shape)
        if self.ema and self.training:
            with torch.no_grad():
                onehot = F.one_hot(index, self.n_embed).type(flat.dtype)
                self.cluster_size.mul_(self.decay).add_(onehot.sum(0), alpha=1 - self.decay)
                self.embed_avg.mul_(self.decay).add_(flat.t() @ onehot, alpha=1 - self.decay)
                n = self.cluster_size.sum()
                smoothed = (self.cluster_size + self.eps) / (n + self.n_embed * self.eps) * n
                self.embed.copy_(self.embed_avg / smoothed.unsqueeze(0))
        commitment = (quantized.detach() - z).pow(2).mean()
        codebook = None if self.ema else (quantized - z.detach()).pow(2).mean()
        return z + (quantized - z).detach(), commitment, codebook, index.view(z.shape[:-1])


class ResBlock(nn.Module):
    def __init__(self, channel, res_channel):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(), nn.Conv2d(channel, res_channel, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(res_channel, channel, 1))

    def forward(self, x):
        return x + self.conv(x)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch = c["channel"]
        blocks = [nn.Conv2d(c["in_channel"], ch // 2, 4, stride=2, padding=1), nn.ReLU(),
                  nn.Conv2d(ch // 2, ch, 4, stride=2, padding=1), nn.ReLU()]
        if c["stride"] == 8:
            blocks += [nn.Conv2d(ch, ch, 4, stride=2, padding=1), nn.ReLU()]
        blocks.append(nn.Conv2d(ch, ch, 3, padding=1))
        blocks += [ResBlock(ch, c["n_res_channel"]) for _ in range(c["n_res_block"])]
        blocks.append(nn.ReLU())
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(x)


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch = c["channel"]
        blocks = [nn.Conv2d(c["embed_dim"], ch, 3, padding=1)]
        blocks += [ResBlock(ch, c["n_res_channel"]) for _ in range(c["n_res_block"])]
        blocks.append(nn.ReLU())
        if c["stride"] == 8:
            blocks += [nn.ConvTranspose2d(ch, ch, 4, stride=2, padding=1), nn.ReLU()]
        blocks += [nn.ConvTranspose2d(ch, ch // 2, 4, stride=2, padding=1), nn.ReLU(),
                   nn.ConvTranspose2d(ch // 2, c["in_channel"], 4, stride=2, padding=1)]
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(x)


class VQVAE(nn.Module):
    def __init__(self, c, ema=True):
        super().__init__()
        self.enc = Encoder(c)
        self.quantize_conv = nn.Conv2d(c["channel"], c["embed_dim"], 1)
        self.quantize = Quantize(c["embed_dim"], c["n_embed"], ema=ema)
        self.dec = Decoder(c)

    def latent(self, x):
        return self.quantize_conv(self.enc(x)).permute(0, 2, 3, 1)

    def forward(self, x):
        quantized, commitment, codebook, codes = self.quantize(self.latent(x))
        return self.dec(quantized.permute(0, 3, 1, 2)), commitment, codebook, codes


def smallest_margin(model, x):
    with torch.no_grad():
        z = model.latent(x).reshape(-1, model.quantize.dim)
        d = model.quantize.distances(z).sort(1).values
        return (d[:, 1] - d[:, 0]).min().item() / z.pow(2).sum(1).mean().item()


def build(c, seed):
    """A model whose codebook is spread over the latents (so several codes are used) and whose EMA
    buffers are not their trivial start values, and images whose assignments have a safe margin."""
    while True:
        torch.manual_seed(seed)
        model = VQVAE(c)
        x = torch.randn(2, c["in_channel"], 32, 32)
        with torch.no_grad():
            z = model.latent(x).reshape(-1, c["embed_dim"])
            embed = z.mean(0, keepdim=True).t() + z.std(0, keepdim=True).t() * torch.randn(c["embed_dim"], c["n_embed"])
            model.quantize.embed.copy_(embed)
            model.quantize.embed_avg.copy_(embed * (torch.rand(1, c["n_embed"]) + 0.5))
            model.quantize.cluster_size.copy_(torch.rand(c["n_embed"]) * 2 + 0.5)
        margin = smallest_margin(model, x)
        if margin >= ARGMIN_RELATIVE_MARGIN:
            print(f"stride {c['stride']}: seed {seed}, smallest relative argmin margin {margin:.4g}")
            return model, x
        seed += 1


def safetensors_bytes(tensors, metadata):
    entries, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        b = t.numpy().tobytes()
        entries[name] = {"dtype": {torch.float32: "F32", torch.int32: "I32"}[t.dtype], "shape": list(t.shape),
                         "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    text = json.dumps(entries, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def golden(c, seed, with_loss_mode):
    model, x = build(c, seed)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    tensors = {"state." + k: v for k, v in state.items()}
    tensors["input"] = x

    model.train()
    reconstruction, latent, _, codes = model(x)
    recon = F.mse_loss(reconstruction, x)
    loss = recon + LATENT_WEIGHT * latent
    loss.backward()
    used = codes.unique().numel()
    print(f"  codes used {used} of {c['n_embed']}, loss {loss.item():.5f}")
    assert used >= 3, "too few codes used for a meaningful EMA test"
    tensors.update({"out.reconstruction": reconstruction, "out.latent_loss": latent, "out.recon_loss": recon,
                    "out.loss": loss, "out.codes": codes.to(torch.int32)})
    tensors.update({"grad." + k: p.grad for k, p in model.named_parameters()})
    tensors.update({"ema." + k: v for k, v in model.state_dict().items() if k.startswith("quantize.")})

    if with_loss_mode:
        loss_model = VQVAE(c, ema=False)
        loss_model.load_state_dict({k: v for k, v in state.items()
                                    if k not in ("quantize.cluster_size", "quantize.embed_avg")})
        reconstruction, commitment, codebook, loss_codes = loss_model(x)
        assert torch.equal(loss_codes, codes)
        latent = codebook + LOSS_MODE_BETA * commitment
        loss = F.mse_loss(reconstruction, x) + latent
        loss.backward()
        tensors.update({"loss_mode.latent_loss": latent, "loss_mode.loss": loss})
        tensors.update({"loss_mode.grad." + k: p.grad for k, p in loss_model.named_parameters()})

    metadata = {"config": json.dumps(c), "state_names": ",".join(state.keys()),
                "latent_weight": str(LATENT_WEIGHT), "loss_mode_beta": str(LOSS_MODE_BETA)}
    path = OUT / f"vqvae_stride{c['stride']}.safetensors"
    path.write_bytes(safetensors_bytes(tensors, metadata))
    print(f"  {path} {path.stat().st_size} bytes")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    base = {"in_channel": 3, "channel": 16, "n_res_block": 1, "n_res_channel": 8, "embed_dim": 8, "n_embed": 16}
    golden(dict(base, stride=4), seed=4, with_loss_mode=True)
    golden(dict(base, stride=8), seed=8, with_loss_mode=False)


if __name__ == "__main__":
    main()
