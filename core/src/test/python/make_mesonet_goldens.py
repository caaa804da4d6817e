#!/usr/bin/python3
"""Oracle goldens for MesoNet (dev.unmask.models.mesonet) and its Keras HDF5 import (dev.unmask.io.keras).

Run from anywhere with Debian's Python (it has numpy, h5py, cv2, Pillow and torch 1.13):
    /usr/bin/python3 core/src/test/python/make_mesonet_goldens.py

Inputs, all under core/src/test/resources/mesonet/ (copied from the official DariusAf/MesoNet repository,
Apache-2.0, see LICENSE and NOTICE there): the four pretrained weight files weights/{Meso4,MesoInception}_{DF,F2F}.h5
and the four test faces test_images/{df,real}/*.jpg.

The oracle is written here from the Keras layer definitions of the official classifiers.py, not from the Java
code: NumPy in float64, channels last (NHWC) as Keras computes, the kernels in Keras' own layout (HWIO), Keras'
'same' padding rule for convolutions and pooling, BatchNormalization's inference formula with epsilon 1e-3,
Flatten in (H, W, C) order, LeakyReLU 0.1 after the 16-unit dense layer, sigmoid output (near 1 = real).
It pairs the file's layers with the graph's by their Keras names: a model built once in a fresh Keras
session numbers its layers per type in creation order (conv2d_1, conv2d_2, ...), and the official files
were written that way (Meso-4's counters start at 5 and 3 because another model was built first in its
session), so sorting each type by its number gives creation order. The Java importer pairs by position in
the file's layer_names instead, as Keras' load_weights does; the two methods agree only if both are right.

Faces are decoded as Keras' pipeline does: cv2 decodes the JPEG (BGR, converted to RGB), Pillow's nearest
resize to 256x256 (what keras.preprocessing.image.load_img does; it maps output pixel i to input pixel
floor((i + 0.5) * in / out), checked below), values level / 255.

Outputs in core/src/test/resources/mesonet/goldens/:
  inference.safetensors
    face.<name>                 the decoded and resized face, F16 [1, 3, 256, 256] holding the levels
                                0..255 (integers, exact in F16); the network input is level / 255 in float32
    random.<k>.samples          F32: every 4096th value of the random input number k (k = 0, 1), drawn from
                                SplitMix64 (below) with seed RANDOM_SEEDS[k]: a check that the Java side
                                regenerates the same input
    prob.<weights>.face.<name>  F32 [1]: the oracle's output probability for each weight file and face
    prob.<weights>.random.<k>   F32 [1]: the same for the random inputs
    logit.<weights>.<input>     F32 [1]: the logit before the sigmoid, for every case above (the probability of
                                a confident model saturates near 0 or 1; its logit still tells weights apart)
    __metadata__: weights, faces, random_seeds (comma-separated)
  import.safetensors
    <weights>.<name>            the PyTorch-style state dict (the Java model's names, NCHW, fc1 columns in
                                C, H, W order) converted here from each weight file; num_batches_tracked 0
  train_<architecture>.safetensors, architecture meso4 or mesoinception4, from the *_DF weights:
    one training step in PyTorch (float64, stored as float32; train mode: batch statistics in BatchNorm, dropout p = 0 so the
    step is deterministic) on a batch of 2 random inputs (seed TRAIN_SEED) with targets [1, 0]:
    out.prob [2, 1], out.loss (mean squared error), grad.<parameter>, after.<buffer> (running statistics
    after the step, momentum 0.01 = Keras' 0.99); __metadata__: state_names (PyTorch's order), seed
  train_meso4_bce.safetensors: the same step of Meso-4 with the binary cross-entropy of the output
    probability (torch's binary_cross_entropy) as out.loss, for dev.unmask.detectors.classifier.MesoNetTraining
"""
import json
import pathlib
import re
import struct

import cv2
import h5py
import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.nn import functional as F

RESOURCES = pathlib.Path(__file__).resolve().parents[1] / "resources" / "mesonet"
OUT = RESOURCES / "goldens"
WEIGHTS = ["Meso4_DF", "Meso4_F2F", "MesoInception_DF", "MesoInception_F2F"]
FACES = ["df/df00204", "df/df01254", "real/real00240", "real/real00772"]
SIDE = 256
BN_EPSILON = 1e-3      # Keras' BatchNormalization default, which classifiers.py keeps
BN_MOMENTUM = 0.01     # PyTorch's convention for Keras' momentum 0.99
LEAKY_SLOPE = 0.1
RANDOM_SEEDS = [11, 12]
RANDOM_SAMPLE_STEP = 4096
TRAIN_SEED = 21
# the float64 PyTorch port must reproduce the NumPy oracle up to rounding of float64 sums
PORT_TOLERANCE = 1e-9

# ---------------------------------------------------------------------------------------------------------
# SplitMix64: value i of stream `seed` is mix(seed + (i + 1) * gamma) >> 40, times 2^-24: a float in [0, 1)
# that is exact in float32 (dev.unmask.random.Seeds.mix is the same finaliser).
GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix_uniform(seed, count):
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (np.arange(1, count + 1, dtype=np.uint64) * GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.float64) * 2.0 ** -24).astype(np.float32)


def random_images(seed, batch):
    """NCHW float32 in [0, 1), row-major index order of [batch, 3, 256, 256]."""
    return splitmix_uniform(seed, batch * 3 * SIDE * SIDE).reshape(batch, 3, SIDE, SIDE)


# ---------------------------------------------------------------------------------------------------------
# Reading the Keras file with h5py

def keras_layers(path):
    """{layer name: [arrays in weight_names order]} for the layers that have weights."""
    out = {}
    with h5py.File(path, "r") as f:
        for name in [n.decode("utf8") for n in f.attrs["layer_names"]]:
            g = f[name]
            weight_names = [n.decode("utf8") for n in g.attrs["weight_names"]]
            if weight_names:
                out[name] = [np.asarray(g[w], dtype=np.float64) for w in weight_names]
    return out


def by_creation_order(layers, kind):
    """The layers named kind_<n>, sorted by n: the order in which a fresh Keras session created them."""
    pattern = re.compile(re.escape(kind) + r"_(\d+)$")
    named = [(int(pattern.match(n).group(1)), n) for n in layers if pattern.match(n)]
    return [layers[n] for _, n in sorted(named)]


# ---------------------------------------------------------------------------------------------------------
# The Keras graph of classifiers.py in NumPy, float64, NHWC

def same_padding(size, window, stride, dilation=1):
    """TensorFlow's 'same': output ceil(size / stride); the padding goes half before, the rest after."""
    effective = (window - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def conv_relu(x, weights, dilation=1):
    kernel, bias = weights
    kh, kw, _, filters = kernel.shape
    n, h, w, _ = x.shape
    (top, bottom), (left, right) = same_padding(h, kh, 1, dilation), same_padding(w, kw, 1, dilation)
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    out = np.zeros((n, h, w, filters))
    for ky in range(kh):
        for kx in range(kw):
            window = padded[:, ky * dilation:ky * dilation + h, kx * dilation:kx * dilation + w, :]
            out += window @ kernel[ky, kx]
    return np.maximum(out + bias, 0)


def batch_norm(x, weights):
    gamma, beta, mean, variance = weights
    return (x - mean) / np.sqrt(variance + BN_EPSILON) * gamma + beta


def max_pool_same(x, k):
    n, h, w, c = x.shape
    (top, bottom), (left, right) = same_padding(h, k, k), same_padding(w, k, k)
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=-np.inf)
    oh, ow = padded.shape[1] // k, padded.shape[2] // k
    return padded.reshape(n, oh, k, ow, k, c).max(axis=(2, 4))


def keras_classifier(x, dense):
    """Flatten (H, W, C order), Dropout (identity at inference), Dense(16), LeakyReLU(0.1), Dropout, Dense(1):
    the logit, before the last layer's sigmoid."""
    y = x.reshape(x.shape[0], -1) @ dense[0][0] + dense[0][1]
    y = np.where(y > 0, y, LEAKY_SLOPE * y)
    return y @ dense[1][0] + dense[1][1]


def sigmoid(y):
    return 1 / (1 + np.exp(-y))


def keras_meso4(layers, x):
    convs, norms = by_creation_order(layers, "conv2d"), by_creation_order(layers, "batch_normalization")
    for conv, norm, pool in zip(convs, norms, [2, 2, 2, 4]):
        x = max_pool_same(batch_norm(conv_relu(x, conv), norm), pool)
    return keras_classifier(x, by_creation_order(layers, "dense"))


def keras_inception(x, convs):
    """InceptionLayer(a, b, c, d): convs in creation order x1, x2 1x1, x2 3x3, x3 1x1, x3 3x3 d2, x4 1x1, x4 3x3 d3."""
    x1 = conv_relu(x, convs[0])
    x2 = conv_relu(conv_relu(x, convs[1]), convs[2])
    x3 = conv_relu(conv_relu(x, convs[3]), convs[4], dilation=2)
    x4 = conv_relu(conv_relu(x, convs[5]), convs[6], dilation=3)
    return np.concatenate([x1, x2, x3, x4], axis=-1)


def keras_mesoinception4(layers, x):
    convs, norms = by_creation_order(layers, "conv2d"), by_creation_order(layers, "batch_normalization")
    x = max_pool_same(batch_norm(keras_inception(x, convs[0:7]), norms[0]), 2)
    x = max_pool_same(batch_norm(keras_inception(x, convs[7:14]), norms[1]), 2)
    x = max_pool_same(batch_norm(conv_relu(x, convs[14]), norms[2]), 2)
    x = max_pool_same(batch_norm(conv_relu(x, convs[15]), norms[3]), 4)
    return keras_classifier(x, by_creation_order(layers, "dense"))


def check_meso4_shapes(layers):
    convs = by_creation_order(layers, "conv2d")
    assert [c[0].shape for c in convs] == [(3, 3, 3, 8), (5, 5, 8, 8), (5, 5, 8, 16), (5, 5, 16, 16)]
    assert [d[0].shape for d in by_creation_order(layers, "dense")] == [(1024, 16), (16, 1)]
    assert len(layers) == 10


def check_mesoinception4_shapes(layers):
    convs = by_creation_order(layers, "conv2d")
    first = [(1, 1, 3, 1), (1, 1, 3, 4), (3, 3, 4, 4), (1, 1, 3, 4), (3, 3, 4, 4), (1, 1, 3, 2), (3, 3, 2, 2)]
    second = [(1, 1, 11, 2), (1, 1, 11, 4), (3, 3, 4, 4), (1, 1, 11, 4), (3, 3, 4, 4), (1, 1, 11, 2), (3, 3, 2, 2)]
    assert [c[0].shape for c in convs] == first + second + [(5, 5, 12, 16), (5, 5, 16, 16)]
    assert [n[0].shape for n in by_creation_order(layers, "batch_normalization")] == [(11,), (12,), (16,), (16,)]
    assert len(layers) == 22


KERAS_MODELS = {"Meso4": (keras_meso4, check_meso4_shapes),
                "MesoInception": (keras_mesoinception4, check_mesoinception4_shapes)}

# ---------------------------------------------------------------------------------------------------------
# The same networks as PyTorch modules, NCHW, with the Java model's parameter names


class FeatureBlock(nn.Module):
    """features -> ReLU -> BatchNorm -> max pool; `features` is the convolution or the inception layer."""

    def __init__(self, name, features, channels, pool):
        super().__init__()
        self.name = name
        self.add_module(name, features)
        self.bn = nn.BatchNorm2d(channels, eps=BN_EPSILON, momentum=BN_MOMENTUM)
        self.pool = pool

    def forward(self, x):
        return F.max_pool2d(self.bn(F.relu(getattr(self, self.name)(x))), self.pool)


def same_conv(cin, cout, k, dilation=1):
    return nn.Conv2d(cin, cout, k, padding=dilation * (k - 1) // 2, dilation=dilation)


class InceptionBranch(nn.Module):
    def __init__(self, cin, cout, dilation):
        super().__init__()
        self.reduce = same_conv(cin, cout, 1)
        self.conv = same_conv(cout, cout, 3, dilation)

    def forward(self, x):
        return self.conv(F.relu(self.reduce(x)))


class Inception(nn.Module):
    """Pre-activation outputs of the four branches, concatenated (the block's ReLU follows)."""

    def __init__(self, cin, a, b, c, d):
        super().__init__()
        self.branch1 = same_conv(cin, a, 1)
        self.branch2 = InceptionBranch(cin, b, 1)
        self.branch3 = InceptionBranch(cin, c, 2)
        self.branch4 = InceptionBranch(cin, d, 3)

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class MesoNet(nn.Module):
    def __init__(self, blocks, dropout):
        super().__init__()
        for i, block in enumerate(blocks):
            self.add_module(f"block{i + 1}", block)
        self.blocks = len(blocks)
        self.dropout1 = nn.Dropout(dropout)
        self.fc1 = nn.Linear(16 * 8 * 8, 16)
        self.dropout2 = nn.Dropout(dropout)
        self.fc2 = nn.Linear(16, 1)

    def logit(self, x):
        for i in range(self.blocks):
            x = getattr(self, f"block{i + 1}")(x)
        x = self.dropout1(torch.flatten(x, 1))
        x = self.dropout2(F.leaky_relu(self.fc1(x), LEAKY_SLOPE))
        return self.fc2(x)

    def forward(self, x):
        return torch.sigmoid(self.logit(x))


def meso4(dropout=0.5):
    return MesoNet([FeatureBlock("conv", same_conv(3, 8, 3), 8, 2), FeatureBlock("conv", same_conv(8, 8, 5), 8, 2),
                    FeatureBlock("conv", same_conv(8, 16, 5), 16, 2),
                    FeatureBlock("conv", same_conv(16, 16, 5), 16, 4)], dropout)


def mesoinception4(dropout=0.5):
    return MesoNet([FeatureBlock("inception", Inception(3, 1, 4, 4, 2), 11, 2),
                    FeatureBlock("inception", Inception(11, 2, 4, 4, 2), 12, 2),
                    FeatureBlock("conv", same_conv(12, 16, 5), 16, 2),
                    FeatureBlock("conv", same_conv(16, 16, 5), 16, 4)], dropout)


def torch_conv(weights):
    kernel, bias = weights
    return {"weight": torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()), "bias": torch.from_numpy(bias)}


def torch_bn(weights):
    gamma, beta, mean, variance = weights
    return {"weight": torch.from_numpy(gamma), "bias": torch.from_numpy(beta), "running_mean": torch.from_numpy(mean),
            "running_var": torch.from_numpy(variance), "num_batches_tracked": torch.tensor(0)}


def torch_dense(weights, nhwc=None):
    """Keras' kernel is [in, out]; with nhwc = (h, w, c) its rows follow Keras' flatten, reordered to C, H, W."""
    kernel, bias = weights
    if nhwc is not None:
        h, w, c = nhwc
        kernel = kernel.reshape(h, w, c, -1).transpose(2, 0, 1, 3).reshape(h * w * c, -1)
    return {"weight": torch.from_numpy(kernel.T.copy()), "bias": torch.from_numpy(bias)}


def converted_state(architecture, layers):
    """The PyTorch state dict of the Keras weights, paired by creation order as the NumPy oracle pairs them."""
    convs, norms = by_creation_order(layers, "conv2d"), by_creation_order(layers, "batch_normalization")
    dense = by_creation_order(layers, "dense")
    parts = {}
    if architecture == "meso4":
        for i in range(4):
            parts[f"block{i + 1}.conv"] = torch_conv(convs[i])
            parts[f"block{i + 1}.bn"] = torch_bn(norms[i])
    else:
        for i in range(2):
            c = convs[7 * i:7 * i + 7]
            prefix = f"block{i + 1}.inception."
            parts[prefix + "branch1"] = torch_conv(c[0])
            for branch, (reduce, conv) in enumerate([(c[1], c[2]), (c[3], c[4]), (c[5], c[6])], start=2):
                parts[prefix + f"branch{branch}.reduce"] = torch_conv(reduce)
                parts[prefix + f"branch{branch}.conv"] = torch_conv(conv)
            parts[f"block{i + 1}.bn"] = torch_bn(norms[i])
        for i in range(2, 4):
            parts[f"block{i + 1}.conv"] = torch_conv(convs[12 + i])
            parts[f"block{i + 1}.bn"] = torch_bn(norms[i])
    parts["fc1"] = torch_dense(dense[0], nhwc=(8, 8, 16))
    parts["fc2"] = torch_dense(dense[1])
    return {f"{module}.{name}": t for module, tensors in parts.items() for name, t in tensors.items()}


def architecture_of(weights):
    return "meso4" if weights.startswith("Meso4") else "mesoinception4"


def model_with(architecture, state, dropout=0.5):
    model = (meso4 if architecture == "meso4" else mesoinception4)(dropout)
    assert list(model.state_dict().keys()) == list(state.keys()), "state names differ from the module's"
    model.load_state_dict(state)
    return model


# ---------------------------------------------------------------------------------------------------------
# Faces

def decode_face(path):
    rgb = cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    resized = np.asarray(Image.fromarray(rgb).resize((SIDE, SIDE), Image.NEAREST))
    h, w = rgb.shape[:2]
    ys = np.floor((np.arange(SIDE) + 0.5) * h / SIDE).astype(int)
    xs = np.floor((np.arange(SIDE) + 0.5) * w / SIDE).astype(int)
    assert np.array_equal(resized, rgb[ys][:, xs]), f"{path}: Pillow's nearest resize is not floor((i + 0.5) * in / out)"
    return resized.transpose(2, 0, 1)[None]  # [1, 3, 256, 256] levels


# ---------------------------------------------------------------------------------------------------------
# Writing safetensors by hand (torch 1.13 has no safetensors module), as the other golden scripts do

DTYPES = {torch.float16: "F16", torch.float32: "F32", torch.int64: "I64"}


def safetensors_bytes(tensors, metadata):
    entries, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        b = t.numpy().tobytes()
        entries[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    text = json.dumps(entries, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write(name, tensors, metadata):
    path = OUT / name
    path.write_bytes(safetensors_bytes(tensors, metadata))
    print(f"{path} {path.stat().st_size} bytes")


# ---------------------------------------------------------------------------------------------------------

def inference_goldens():
    faces = {name.split("/")[1]: decode_face(RESOURCES / "test_images" / (name + ".jpg")) for name in FACES}
    inputs = {f"face.{n}": levels.astype(np.float32) / np.float32(255) for n, levels in faces.items()}
    for k, seed in enumerate(RANDOM_SEEDS):
        inputs[f"random.{k}"] = random_images(seed, 1)
    tensors = {f"face.{n}": torch.from_numpy(levels.astype(np.float16)) for n, levels in faces.items()}
    for k in range(len(RANDOM_SEEDS)):
        tensors[f"random.{k}.samples"] = torch.from_numpy(inputs[f"random.{k}"].reshape(-1)[::RANDOM_SAMPLE_STEP].copy())
    states = {}
    for weights in WEIGHTS:
        layers = keras_layers(RESOURCES / "weights" / (weights + ".h5"))
        keras_model, check_shapes = KERAS_MODELS[weights.split("_")[0]]
        check_shapes(layers)
        architecture = architecture_of(weights)
        state = converted_state(architecture, layers)
        port = model_with(architecture, state).double().eval()
        for name, x in inputs.items():
            # the oracle's input is the float32 network input, widened; Keras computes on NHWC
            logit = keras_model(layers, x.astype(np.float64).transpose(0, 2, 3, 1))
            with torch.no_grad():
                port_logit = port.logit(torch.from_numpy(x.astype(np.float64))).numpy()
            assert abs(logit - port_logit).max() < PORT_TOLERANCE, f"{weights} {name}: port {port_logit}, oracle {logit}"
            tensors[f"prob.{weights}.{name}"] = torch.from_numpy(sigmoid(logit).reshape(1).astype(np.float32))
            tensors[f"logit.{weights}.{name}"] = torch.from_numpy(logit.reshape(1).astype(np.float32))
            print(f"{weights:18s} {name:18s} logit {logit.item():10.5f}  p(real) = {sigmoid(logit).item():.6f}")
        states.update({f"{weights}.{n}": t.float() if t.is_floating_point() else t for n, t in state.items()})
    write("inference.safetensors", tensors, {"weights": ",".join(WEIGHTS), "faces": ",".join(faces),
                                             "random_seeds": ",".join(map(str, RANDOM_SEEDS)),
                                             "random_sample_step": str(RANDOM_SAMPLE_STEP)})
    write("import.safetensors", states, {"weights": ",".join(WEIGHTS)})


def training_golden(weights, loss_name="mse"):
    architecture = architecture_of(weights)
    state = converted_state(architecture, keras_layers(RESOURCES / "weights" / (weights + ".h5")))
    # float64, so that the golden carries no rounding of its own worth comparing with float32's
    model = model_with(architecture, state, dropout=0.0).double().train()
    x = torch.from_numpy(random_images(TRAIN_SEED, 2).astype(np.float64))
    target = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    prob = model(x)
    loss = F.mse_loss(prob, target) if loss_name == "mse" else F.binary_cross_entropy(prob, target)
    loss.backward()
    tensors = {"target": target, "out.prob": prob, "out.loss": loss}
    tensors.update({"grad." + n: p.grad for n, p in model.named_parameters()})
    tensors.update({"after." + n: b for n, b in model.named_buffers()})
    tensors = {n: t.detach().float() if t.is_floating_point() else t for n, t in tensors.items()}
    print(f"train {architecture} {loss_name}: p = {prob.detach().flatten().tolist()}, loss {loss.item():.6f}")
    suffix = "" if loss_name == "mse" else "_" + loss_name
    write(f"train_{architecture}{suffix}.safetensors", tensors,
          {"weights": weights, "state_names": ",".join(state.keys()), "seed": str(TRAIN_SEED)})


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    inference_goldens()
    training_golden("Meso4_DF")
    training_golden("MesoInception_DF")
    training_golden("Meso4_DF", "bce")


if __name__ == "__main__":
    main()
