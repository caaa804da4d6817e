#!/usr/bin/env python3
"""The MesoNet workloads in PyTorch: Meso-4 and MesoInception-4 at 256x256, batch 32.

Run with Debian's python3-torch (apt-get install -y python3-torch):
    /usr/bin/python3 benchmarks/peer/pytorch_mesonet.py --threads 2 --out peer-mesonet.json
    /usr/bin/python3 benchmarks/peer/pytorch_mesonet.py --cpu-time     # one thread, ms of CPU per batch
Prints one line per workload and writes {workload: ops_per_second} as JSON, where one op is one batch
of 32 (images/s = ops/s x 32), as in dev.unmask.benchmarks.MesoNetBenchmarks:
    meso4_fwd, mesoinception4_fwd       eval mode, no grad: the probabilities of 32 images in [0, 1)
    meso4_train, mesoinception4_train   train mode (batch statistics, dropout 0.5): mean squared error of the
                                        probabilities against labels 1, 0, 1, 0, ..., backward, Adam step (lr 1e-3)
The models are the PyTorch ports of the golden script core/src/test/python/make_mesonet_goldens.py (the Java
model's structure and parameter names), imported, not copied.
"""
import pathlib
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "core" / "src" / "test" / "python"))
from make_mesonet_goldens import SIDE, meso4, mesoinception4  # noqa: E402
from pytorch_kernels import model_main  # noqa: E402

SEED = 20261207
BATCH = 32
LEARNING_RATE = 1e-3  # classifiers.py's Adam; the cost of a step does not depend on it
MODELS = {"meso4": meso4, "mesoinception4": mesoinception4}


def images():
    return torch.rand(BATCH, 3, SIDE, SIDE)


def labels():
    return torch.tensor([[1.0 - i % 2] for i in range(BATCH)])


def forward(name):
    def make():
        torch.manual_seed(SEED)
        model = MODELS[name]().eval()
        x = images()
        return lambda: model(x)
    return make


def train(name):
    def make():
        torch.manual_seed(SEED)
        model = MODELS[name]().train()
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
        x, y = images(), labels()

        def run():
            with torch.enable_grad():  # measure() runs every workload under no_grad
                optimizer.zero_grad()
                F.mse_loss(model(x), y).backward()
                optimizer.step()
        return run
    return make


WORKLOADS = {"meso4_fwd": forward("meso4"), "meso4_train": train("meso4"),
             "mesoinception4_fwd": forward("mesoinception4"), "mesoinception4_train": train("mesoinception4")}



if __name__ == "__main__":
    model_main(WORKLOADS, BATCH)
