#!/usr/bin/python3
"""PyTorch goldens for the reconstruction VAEs (dev.unmask.models.vae) and the autoencoder classifier
(dev.unmask.models.autoencoder).

Run from anywhere with Debian's Python (it has torch 1.13; torchvision is not needed):
    /usr/bin/python3 core/src/test/python/make_vae_goldens.py

The modules below are written here in plain torch.nn from the structures the Java classes document, with
the parameter names a PyTorch state dict of that structure has:
    OCFakeDect           encoder / mu / log_var / decoder (/ encoder2 / mu2), the Keras re-implementation's
                         16-32-64-32 convolutions with 1x1 convolution heads
    ResNet18Encoder      torchvision's resnet18 layout and names (conv1, bn1, layer1.0.conv1, ...,
                         downsample.0/1), written by hand because torchvision is not installed here
    SymmetricResNetVAE   encoder, fc_mu, fc_log_var, decoder in julianstastny's ResNet18Dec layout
    AsymmetricResNetVAE  encoder, fc1, bn1, ..., convTrans8 after Malgesw/DeepFakeDetection's VAEmodel.py
    ConvAutoencoder, AutoencoderClassifier
Small widths and images keep the files small; the full-size presets are checked by name and shape only.

Each VAE file (goldens/vae/<name>.safetensors) holds:
    state.<name>        the state dict the Java model loads (batch norm weights, biases and running
                        statistics drawn at random so that every term matters)
    input, epsilon      the images and the reparameterisation noise (z = mu + exp(log_var / 2) * epsilon)
    train.reconstruction, train.mean, train.log_var, train.kl, train.rss, train.latent, train.loss
                        one train-mode forward; kl, rss, latent per image, loss = mean(kl + rss + latent)
    grad.<name>         d loss / d parameter, every parameter in named_parameters order
    after.<name>        the batch norm buffers after that forward
    eval.reconstruction, eval.score
                        eval mode after the training forward: x' = decode(mu(x)) and the score
                        (RMSE(x, x') per image; OC-FakeDect-2: RMSE(mu(x), mu2(x')))
and in __metadata__: config (JSON), state_names, preset_state (JSON [[name, shape], ...] of the full-size
preset). goldens/vae/torchvision_resnet18.safetensors holds a narrow resnet18's state dict exactly as
torchvision names and stores it (fc included, num_batches_tracked I64), an input, and the pooled features
in eval mode. goldens/autoencoder/autoencoder.safetensors holds the autoencoder's and the classifier's
forward, losses and gradients.
"""
import json
import pathlib
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from safetensors_goldens import safetensors_bytes  # noqa: E402

RESOURCES = pathlib.Path(__file__).resolve().parents[1] / "resources" / "goldens"


# ---------------------------------------------------------------------------------------------- OC-FakeDect

def ocfakedect_encoder(c):
    widths = [c["in_channels"], c["c1"], c["c2"], c["c3"], c["latent"]]
    layers = []
    for i in range(4):
        layers += [nn.Conv2d(widths[i], widths[i + 1], 3, stride=1 + i % 2, padding=1), nn.BatchNorm2d(widths[i + 1]),
                   nn.ReLU()]
    return nn.Sequential(*layers)


class OCFakeDect(nn.Module):
    def __init__(self, c):
        super().__init__()
        latent = c["latent"]
        self.encoder = ocfakedect_encoder(c)
        self.mu = nn.Conv2d(latent, latent, 1)
        self.log_var = nn.Conv2d(latent, latent, 1)
        widths = [latent, latent, c["c3"], c["c2"], c["c1"]]
        layers = []
        for i in range(4):
            stride = 1 + i % 2
            layers += [nn.ConvTranspose2d(widths[i], widths[i + 1], 3, stride=stride, padding=1, output_padding=stride - 1),
                       nn.BatchNorm2d(widths[i + 1]), nn.ReLU()]
        layers.append(nn.ConvTranspose2d(c["c1"], c["in_channels"], 3, padding=1))
        if c["output"] == "sigmoid":
            layers.append(nn.Sigmoid())
        self.decoder = nn.Sequential(*layers)
        self.second = c["second_encoder"]
        if self.second:
            self.encoder2 = ocfakedect_encoder(c)
            self.mu2 = nn.Conv2d(latent, latent, 1)

    def encode(self, x):
        h = self.encoder(x)
        return self.mu(h), self.log_var(h)

    def decode(self, z):
        return self.decoder(z)

    def latent_error(self, mean, reconstruction):
        return (mean - self.mu2(self.encoder2(reconstruction))).pow(2).flatten(1).sum(1)

    def score(self, x):
        mean, _ = self.encode(x)
        reconstruction = self.decode(mean)
        if self.second:
            return rmse(mean, self.mu2(self.encoder2(reconstruction)))
        return rmse(x, reconstruction)


# ---------------------------------------------------------------------------------------------- ResNet-18

class BasicBlock(nn.Module):
    """torchvision's BasicBlock (expansion 1)."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet18(nn.Module):
    """torchvision.models.resnet18's layout and names; stem 'imagenet' (7x7 s2 + max pool) or 'small' (3x3 s1)."""

    def __init__(self, in_channels=3, width=64, stem="imagenet", classes=None):
        super().__init__()
        self.stem = stem
        if stem == "imagenet":
            self.conv1 = nn.Conv2d(in_channels, width, 7, stride=2, padding=3, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        inplanes = width
        for i in range(4):
            planes = width << i
            stride = 1 if i == 0 else 2
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)))
            inplanes = planes
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * width, classes) if classes else None

    def features(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        if self.stem == "imagenet":
            x = self.maxpool(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)


class ResizeConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, scale_factor):
        super().__init__()
        self.scale_factor = scale_factor
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=kernel_size // 2)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=self.scale_factor, mode="nearest"))


class BasicBlockDec(nn.Module):
    """julianstastny's BasicBlockDec."""

    def __init__(self, in_planes, stride):
        super().__init__()
        planes = in_planes // stride
        self.conv2 = nn.Conv2d(in_planes, in_planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(in_planes)
        if stride == 1:
            self.conv1 = nn.Conv2d(in_planes, planes, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.shortcut = nn.Sequential()
        else:
            self.conv1 = ResizeConv2d(in_planes, planes, 3, stride)
            self.bn1 = nn.BatchNorm2d(planes)
            self.shortcut = nn.Sequential(ResizeConv2d(in_planes, planes, 3, stride), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = torch.relu(self.bn2(self.conv2(x)))
        out = self.bn1(self.conv1(out))
        return torch.relu(out + self.shortcut(x))


class ResNet18Dec(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = c["base_width"]
        self.c = c
        self.linear = nn.Linear(c["latent"], 8 * w)
        for i in (3, 2, 1, 0):
            planes = w << i
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlockDec(planes, 1), BasicBlockDec(planes, 1 if i == 0 else 2)))
        if c["stem"] == "imagenet":
            self.conv1 = ResizeConv2d(w, c["in_channels"], 3, 2)
        else:
            self.conv1 = nn.Conv2d(w, c["in_channels"], 3, padding=1)

    def forward(self, z):
        d = 32 if self.c["stem"] == "imagenet" else 8
        x = self.linear(z).view(z.size(0), -1, 1, 1)
        x = F.interpolate(x, size=(self.c["height"] // d, self.c["width"] // d), mode="nearest")
        x = self.layer1(self.layer2(self.layer3(self.layer4(x))))
        if self.c["stem"] == "imagenet":
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = self.conv1(x)
        return torch.sigmoid(x) if self.c["output"] == "sigmoid" else x


class SymmetricResNetVAE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder = ResNet18(c["in_channels"], c["base_width"], c["stem"])
        self.fc_mu = nn.Linear(8 * c["base_width"], c["latent"])
        self.fc_log_var = nn.Linear(8 * c["base_width"], c["latent"])
        self.decoder = ResNet18Dec(c)

    def encode(self, x):
        f = self.encoder.features(x)
        return self.fc_mu(f), self.fc_log_var(f)

    def decode(self, z):
        return self.decoder(z)

    def score(self, x):
        return rmse(x, self.decode(self.encode(x)[0]))


class AsymmetricResNetVAE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        w, h1, h2, latent = c["base_width"], c["hidden1"], c["hidden2"], c["latent"]
        m, u1, u2 = c["map"], c["up1"], c["up2"]
        self.map_size = m * (c["height"] // 32) * (c["width"] // 32)
        self.encoder = ResNet18(c["in_channels"], w, "imagenet")
        self.fc1 = nn.Linear(8 * w, h1)
        self.bn1 = nn.BatchNorm1d(h1, momentum=0.01)
        self.fc2 = nn.Linear(h1, h2)
        self.bn2 = nn.BatchNorm1d(h2, momentum=0.01)
        self.fc3_mu = nn.Linear(h2, latent)
        self.fc3_logvar = nn.Linear(h2, latent)
        self.fc4 = nn.Linear(latent, h2)
        self.fc_bn4 = nn.BatchNorm1d(h2)
        self.fc5 = nn.Linear(h2, self.map_size)
        self.fc_bn5 = nn.BatchNorm1d(self.map_size)
        self.convTrans6 = nn.Sequential(nn.ConvTranspose2d(m, u1, 4, 2, 1), nn.BatchNorm2d(u1, momentum=0.01), nn.ReLU())
        self.convTrans7 = nn.Sequential(nn.ConvTranspose2d(u1, u2, 4, 2, 1), nn.BatchNorm2d(u2, momentum=0.01), nn.ReLU())
        last = [nn.ConvTranspose2d(u2, c["in_channels"], 4, 2, 1), nn.BatchNorm2d(c["in_channels"], momentum=0.01)]
        if c["output"] == "sigmoid":
            last.append(nn.Sigmoid())
        self.convTrans8 = nn.Sequential(*last)

    def encode(self, x):
        h = torch.relu(self.bn1(self.fc1(self.encoder.features(x))))
        h = torch.relu(self.bn2(self.fc2(h)))
        return self.fc3_mu(h), self.fc3_logvar(h)

    def decode(self, z):
        h = torch.relu(self.fc_bn4(self.fc4(z)))
        h = torch.relu(self.fc_bn5(self.fc5(h))).view(z.size(0), self.c["map"], self.c["height"] // 32, self.c["width"] // 32)
        x = self.convTrans8(self.convTrans7(self.convTrans6(h)))
        return F.interpolate(x, scale_factor=4, mode="nearest")

    def score(self, x):
        return rmse(x, self.decode(self.encode(x)[0]))


# ---------------------------------------------------------------------------------------------- autoencoder

class ConvAutoencoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        i, f1, f2, f3 = c["in_channels"], c["f1"], c["f2"], c["f3"]
        self.encoder = nn.Sequential(nn.Conv2d(i, f1, 3, 2, 1), nn.ReLU(), nn.Conv2d(f1, f2, 3, 2, 1), nn.ReLU(),
                                     nn.Conv2d(f2, f3, 3, 2, 1), nn.ReLU())
        self.decoder = nn.Sequential(nn.ConvTranspose2d(f3, f3, 3, 2, 1, 1), nn.ReLU(), nn.ConvTranspose2d(f3, f2, 3, 2, 1, 1),
                                     nn.ReLU(), nn.ConvTranspose2d(f2, f1, 3, 2, 1, 1), nn.ReLU(), nn.Conv2d(f1, i, 3, 1, 1),
                                     nn.ReLU())

    def forward(self, x):
        return self.decoder(self.encoder(x))


class AutoencoderClassifier(nn.Module):
    def __init__(self, autoencoder, code_size):
        super().__init__()
        self.encoder = autoencoder.encoder
        self.head = nn.Linear(code_size, 2)

    def forward(self, x):
        return self.head(torch.flatten(self.encoder(x), 1))

    def penalty(self, l1, l2):
        w = self.head.weight
        return l1 * w.abs().sum() + l2 * w.pow(2).sum()


# ---------------------------------------------------------------------------------------------- helpers

def rmse(a, b):
    return (a - b).pow(2).flatten(1).mean(1).sqrt()


def kl_divergence(mean, log_var):
    return (-0.5 * (1 + log_var - mean.pow(2) - log_var.exp())).flatten(1).sum(1)


def randomise_batch_norms(model, generator):
    """Batch norm affine parameters and running statistics away from their start values, so each one matters."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=generator))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=generator))
                m.running_mean.copy_(0.1 * torch.randn(m.running_mean.shape, generator=generator))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=generator))
                m.num_batches_tracked.fill_(int(torch.randint(0, 100, (1,), generator=generator)))


def int32_state(state):
    """The state dict with num_batches_tracked as I32, the dtype of Unmask's buffers."""
    return {k: (v.to(torch.int32) if v.dtype == torch.int64 else v).detach().clone() for k, v in state.items()}


def shapes(model):
    return json.dumps([[k, list(v.shape)] for k, v in model.state_dict().items()])


def write(path, tensors, metadata):
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().contiguous() for k, v in tensors.items()}
    names = list(tensors)
    path.write_bytes(safetensors_bytes(tensors, metadata, names, names))
    print(f"  {path.relative_to(RESOURCES)}: {len(tensors)} tensors, {path.stat().st_size} bytes")


def vae_golden(name, model, config, images, preset, latent_shape, seed):
    generator = torch.Generator().manual_seed(seed)
    randomise_batch_norms(model, generator)
    state = int32_state(model.state_dict())
    tensors = {"state." + k: v for k, v in state.items()}
    epsilon = torch.randn(latent_shape, generator=generator)
    tensors.update({"input": images, "epsilon": epsilon})

    model.train()
    mean, log_var = model.encode(images)
    reconstruction = model.decode(mean + torch.exp(0.5 * log_var) * epsilon)
    kl = kl_divergence(mean, log_var)
    rss = (images - reconstruction).pow(2).flatten(1).sum(1)
    latent = model.latent_error(mean, reconstruction) if getattr(model, "second", False) else torch.zeros_like(kl)
    loss = (kl + rss + latent).mean()
    loss.backward()
    tensors.update({"train.reconstruction": reconstruction, "train.mean": mean, "train.log_var": log_var, "train.kl": kl,
                    "train.rss": rss, "train.latent": latent, "train.loss": loss})
    tensors.update({"grad." + k: p.grad for k, p in model.named_parameters()})
    buffers = dict(model.named_buffers())
    tensors.update({"after." + k: v for k, v in int32_state(buffers).items()})

    model.eval()
    with torch.no_grad():
        tensors["eval.reconstruction"] = model.decode(model.encode(images)[0])
        tensors["eval.score"] = model.score(images)
    print(f"{name}: loss {loss.item():.4f}, scores {tensors['eval.score'].tolist()}")
    write(RESOURCES / "vae" / f"{name}.safetensors", tensors,
          {"config": json.dumps(config), "state_names": ",".join(state), "preset_state": shapes(preset)})


def ocfakedect_goldens():
    base = {"in_channels": 3, "height": 16, "width": 16, "c1": 4, "c2": 8, "c3": 8, "latent": 4}
    for name, second, output, seed in [("ocfakedect1", False, "sigmoid", 11), ("ocfakedect2", True, "linear", 12)]:
        torch.manual_seed(seed)
        c = dict(base, second_encoder=second, output=output)
        model = OCFakeDect(c)
        images = torch.rand(2, 3, 16, 16) if output == "sigmoid" else torch.randn(2, 3, 16, 16)
        preset = OCFakeDect(dict(c, height=100, width=100, c1=16, c2=32, c3=64, latent=32))
        vae_golden(name, model, c, images, preset, (2, c["latent"], 4, 4), seed)


def resnet_goldens():
    torch.manual_seed(21)
    small = {"in_channels": 3, "height": 16, "width": 16, "base_width": 2, "latent": 6, "stem": "small", "output": "sigmoid"}
    preset = SymmetricResNetVAE(dict(small, height=32, width=32, base_width=64, latent=256))
    vae_golden("resnet_symmetric_small", SymmetricResNetVAE(small), small, torch.rand(3, 3, 16, 16), preset, (3, 6), 21)

    torch.manual_seed(22)
    imagenet = dict(small, height=32, width=32, stem="imagenet", output="linear")
    preset = SymmetricResNetVAE(dict(imagenet, height=224, width=224, base_width=64, latent=256))
    vae_golden("resnet_symmetric_imagenet", SymmetricResNetVAE(imagenet), imagenet, torch.randn(3, 3, 32, 32), preset,
               (3, 6), 22)

    torch.manual_seed(23)
    asym = {"in_channels": 3, "height": 32, "width": 32, "base_width": 2, "hidden1": 16, "hidden2": 12, "latent": 6,
            "map": 8, "up1": 6, "up2": 4, "output": "sigmoid"}
    preset = AsymmetricResNetVAE(dict(asym, height=224, width=224, base_width=64, hidden1=1024, hidden2=768, latent=256,
                                      map=64, up1=32, up2=8, output="linear"))
    # batch 4: a 1-D batch norm over 2 samples maps them to +-1 whatever they are, and its gradient vanishes
    vae_golden("resnet_asymmetric", AsymmetricResNetVAE(asym), asym, torch.rand(4, 3, 32, 32), preset, (4, 6), 23)


def torchvision_golden():
    torch.manual_seed(31)
    model = ResNet18(3, 4, "imagenet", classes=10)
    randomise_batch_norms(model, torch.Generator().manual_seed(31))
    model.eval()
    images = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        features = model.features(images)
    tensors = dict(model.state_dict())  # as torchvision saves it: fc included, num_batches_tracked int64
    tensors.update({"test.input": images, "test.features": features})
    write(RESOURCES / "vae" / "torchvision_resnet18.safetensors", tensors,
          {"preset_state": shapes(ResNet18(3, 64, "imagenet", classes=1000))})


def autoencoder_golden():
    torch.manual_seed(41)
    c = {"in_channels": 3, "height": 32, "width": 32, "f1": 12, "f2": 8, "f3": 4, "l1": 0.01, "l2": 0.1}
    autoencoder = ConvAutoencoder(c)
    classifier = AutoencoderClassifier(autoencoder, c["f3"] * 4 * 4)
    tensors = {"state." + k: v.detach().clone() for k, v in classifier.state_dict().items()}
    tensors.update({"state.decoder." + k: v.detach().clone() for k, v in autoencoder.decoder.state_dict().items()})
    images = torch.rand(2, 3, 32, 32)
    labels = torch.tensor([0, 1], dtype=torch.int32)
    tensors.update({"input": images, "labels": labels})

    reconstruction = autoencoder(images)
    mse = F.mse_loss(reconstruction, images)
    mse.backward()
    tensors.update({"ae.reconstruction": reconstruction, "ae.loss": mse})
    tensors.update({"ae.grad." + k: p.grad.clone() for k, p in autoencoder.named_parameters()})
    autoencoder.zero_grad()

    logits = classifier(images)
    cross_entropy = F.cross_entropy(logits, labels.long())
    penalty = classifier.penalty(c["l1"], c["l2"])
    loss = cross_entropy + penalty
    loss.backward()
    tensors.update({"cls.logits": logits, "cls.cross_entropy": cross_entropy, "cls.penalty": penalty, "cls.loss": loss,
                    "cls.probabilities": torch.softmax(logits, 1)})
    tensors.update({"cls.grad." + k: p.grad for k, p in classifier.named_parameters()})
    print(f"autoencoder: mse {mse.item():.5f}, classifier loss {loss.item():.5f}")
    study = {"in_channels": 3, "f1": 168, "f2": 64, "f3": 32}
    study_model = ConvAutoencoder(study)
    write(RESOURCES / "autoencoder" / "autoencoder.safetensors", tensors,
          {"config": json.dumps(c), "preset_state": shapes(study_model),
           "preset_head_state": shapes(AutoencoderClassifier(study_model, 32 * 32 * 32))})


def main():
    ocfakedect_goldens()
    resnet_goldens()
    torchvision_golden()
    autoencoder_golden()


if __name__ == "__main__":
    main()
