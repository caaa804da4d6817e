#!/usr/bin/env python3
"""The DESIGN section 8 model workloads in PyTorch, on the faces-128 preset, batch 16.

Run with Debian's python3-torch (apt-get install -y python3-torch):
    /usr/bin/python3 benchmarks/peer/pytorch_models.py --threads 2 --out peer-models.json
    /usr/bin/python3 benchmarks/peer/pytorch_models.py --cpu-time     # one thread, ms of CPU per batch
Prints one line per workload and writes {workload: ops_per_second} as JSON, where one op is one batch
of 16 (images/s = ops/s x 16), as in dev.unmask.benchmarks.ModelBenchmarks:
    vqvae_fwd         eval mode, no grad: forward of 16x3x128x128 images, reconstruction and losses
    vqvae_train       train mode (EMA codebook update): forward, MSE + 0.25 * commitment, backward, Adam step
    pixelsnail_fwd    eval mode, no grad: logits [16, 512, 16, 16] of 16 code grids
    pixelsnail_train  train mode (dropout 0.1): logits, mean cross-entropy against the codes, backward, Adam step
The models are the rosinality-structured ones of the golden scripts in core/src/test/python, imported,
not copied. PixelSNAIL takes the one-hot of the codes into its first convolutions, as rosinality's does.
"""
import pathlib
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "core" / "src" / "test" / "python"))
from make_pixelsnail_goldens import PixelSNAIL  # noqa: E402
from make_vqvae_goldens import LATENT_WEIGHT, VQVAE  # noqa: E402
from pytorch_kernels import model_main  # noqa: E402

SEED = 20261121
BATCH = 16
LEARNING_RATE = 3e-4  # rosinality's, for both models; the cost of a step does not depend on it
# faces-128, as dev.unmask.models.vqvae.VqVaeConfig.faces128() and PixelSnailConfig.faces128()
FACES_VQVAE = {"in_channel": 3, "channel": 128, "n_res_block": 2, "n_res_channel": 32, "embed_dim": 64,
               "n_embed": 512, "stride": 8}
FACES_PIXELSNAIL = {"height": 16, "width": 16, "classes": 512, "channel": 128, "kernel": 5, "blocks": 2,
                    "resBlocks": 2, "resChannel": 128, "attention": True, "dropout": 0.1, "heads": 8}


def images():
    return torch.rand(BATCH, FACES_VQVAE["in_channel"], 128, 128) * 2 - 1


def codes():
    c = FACES_PIXELSNAIL
    return torch.randint(0, c["classes"], (BATCH, c["height"], c["width"]))


def vqvae_loss(model, x):
    reconstruction, commitment, _, _ = model(x)
    return F.mse_loss(reconstruction, x) + LATENT_WEIGHT * commitment


def vqvae_fwd():
    torch.manual_seed(SEED)
    model = VQVAE(FACES_VQVAE).eval()
    x = images()
    return lambda: vqvae_loss(model, x)


def vqvae_train():
    torch.manual_seed(SEED)
    model = VQVAE(FACES_VQVAE).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    x = images()

    def run():
        with torch.enable_grad():  # measure() runs every workload under no_grad
            optimizer.zero_grad()
            vqvae_loss(model, x).backward()
            optimizer.step()
    return run


def pixelsnail_fwd():
    torch.manual_seed(SEED)
    model = PixelSNAIL(FACES_PIXELSNAIL).eval()
    c = codes()
    return lambda: model(c)


def pixelsnail_train():
    torch.manual_seed(SEED)
    model = PixelSNAIL(FACES_PIXELSNAIL).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    c = codes()

    def run():
        with torch.enable_grad():  # measure() runs every workload under no_grad
            optimizer.zero_grad()
            F.cross_entropy(model(c), c).backward()
            optimizer.step()
    return run


WORKLOADS = {"vqvae_fwd": vqvae_fwd, "vqvae_train": vqvae_train, "pixelsnail_fwd": pixelsnail_fwd,
             "pixelsnail_train": pixelsnail_train}



if __name__ == "__main__":
    model_main(WORKLOADS, BATCH)
