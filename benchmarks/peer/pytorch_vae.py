#!/usr/bin/env python3
"""The reconstruction-VAE workloads in PyTorch, batch 32, as dev.unmask.benchmarks.VaeBenchmarks runs them.

Run with Debian's python3-torch (apt-get install -y python3-torch):
    /usr/bin/python3 benchmarks/peer/pytorch_vae.py --threads 2 --out peer-vae.json
    /usr/bin/python3 benchmarks/peer/pytorch_vae.py --cpu-time     # one thread, ms of CPU per batch, as VaeCpuTime
Prints one line per workload and writes {workload: ops_per_second} as JSON, where one op is one batch
of 32 (images/s = ops/s x 32):
    ocfakedect_train   OC-FakeDect-1 (3 x 100 x 100, sigmoid output), train mode: epsilon ~ N(0, I), forward,
                       loss = mean over the batch of KL + residual sum of squares, backward, Adam step
    ocfakedect_score   eval mode, no grad: RMSE(x, decode(mu(x))) per image
    resnet_vae_train   the symmetric ResNet-18 VAE, 3 x 224 x 224 ImageNet-normalised (linear output), latent 256
    resnet_vae_score
The models are the modules of core/src/test/python/make_vae_goldens.py, imported, not copied, with the
configurations of OcFakeDectConfig.ocFakeDect1(SIGMOID) and ResNetVaeConfig.imagenet224().
A ResNet-18 VAE training step takes seconds, so each workload is timed over fewer calls than the kernels.
"""
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "core" / "src" / "test" / "python"))
from make_vae_goldens import OCFakeDect, SymmetricResNetVAE, kl_divergence  # noqa: E402
from pytorch_kernels import model_main  # noqa: E402

SEED = 20261121
BATCH = 32
LEARNING_RATE = 1e-3  # the cost of a step does not depend on it
OC_FAKEDECT_1 = {"in_channels": 3, "height": 100, "width": 100, "c1": 16, "c2": 32, "c3": 64, "latent": 32,
                 "second_encoder": False, "output": "sigmoid"}
RESNET_VAE_224 = {"in_channels": 3, "height": 224, "width": 224, "base_width": 64, "latent": 256, "stem": "imagenet",
                  "output": "linear"}


def images(config):
    x = torch.rand(BATCH, 3, config["height"], config["width"])
    # ImageNet normalisation maps [0, 1] to about [-2.1, 2.6]
    return x if config["output"] == "sigmoid" else x * 4.7 - 2.1


def train(make, config):
    def setup():
        torch.manual_seed(SEED)
        model = make(config).train()
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
        x = images(config)

        def run():
            with torch.enable_grad():  # measure() runs every workload under no_grad
                optimizer.zero_grad()
                mean, log_var = model.encode(x)
                reconstruction = model.decode(mean + torch.exp(0.5 * log_var) * torch.randn_like(mean))
                rss = (x - reconstruction).pow(2).flatten(1).sum(1)
                (kl_divergence(mean, log_var) + rss).mean().backward()
                optimizer.step()
        return run
    return setup


def score(make, config):
    def setup():
        torch.manual_seed(SEED)
        model = make(config).eval()
        x = images(config)
        return lambda: model.score(x)
    return setup


WORKLOADS = {"ocfakedect_train": train(OCFakeDect, OC_FAKEDECT_1), "ocfakedect_score": score(OCFakeDect, OC_FAKEDECT_1),
             "resnet_vae_train": train(SymmetricResNetVAE, RESNET_VAE_224),
             "resnet_vae_score": score(SymmetricResNetVAE, RESNET_VAE_224)}



if __name__ == "__main__":
    model_main(WORKLOADS, BATCH, warmup=2, rounds=3, cpu_warmup=1, cpu_calls=2)
