#!/usr/bin/python3
"""Golden safetensors files for the dev.unmask.io tests, made independently of the Java writer.

Run from anywhere with Debian's Python (it has torch):  /usr/bin/python3 core/src/test/python/safetensors_goldens.py

torch 1.13 has no safetensors module, so the files are written by hand with struct + json following the
format's spec: an unsigned 64-bit little-endian header length, a UTF-8 JSON header, then the data
section. Tensor bytes come from torch; the expected values beside each file are torch's own float32 /
int conversions of the stored tensors.
"""
import json
import pathlib
import struct
import sys

import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "dev" / "unmask" / "io"

DTYPE_NAMES = {
    torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32",
    torch.float64: "F64", torch.int32: "I32", torch.int64: "I64",
}

# The safetensors library's dtype enum order; its writer lays tensors out by descending dtype, then name.
LIBRARY_DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
                       "I32", "U32", "F32", "F64", "I64", "U64"]


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are the same
    return t.numpy().tobytes()


def safetensors_bytes(tensors, metadata, layout, header_order):
    """tensors: name -> tensor; layout: names in data order; header_order: names in JSON order."""
    entries, blobs, offset = {}, [], 0
    for name in layout:
        b = raw_bytes(tensors[name])
        t = tensors[name]
        entries[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                         "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    header = {} if metadata is None else {"__metadata__": metadata}
    for name in header_order:
        header[name] = entries[name]
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def expected(tensors):
    out = {}
    for name, t in tensors.items():
        floating = t.dtype.is_floating_point
        values = t.to(torch.float32 if floating else torch.int64).flatten().tolist()
        out[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "values": values}
    return out


def pytorch_state_dict():
    """Mixed dtypes as a PyTorch state dict holds them, laid out and listed in no sorted order."""
    tensors = {
        "bn.weight": torch.tensor([1.0, -0.5, 0.25, 3.0]),
        "bn.running_mean": torch.linspace(-1, 1, 4),
        "bn.num_batches_tracked": torch.tensor(12345, dtype=torch.int64),
        "half": torch.tensor([[65504.0, -0.0, 6e-8], [0.1, -2.5, 1.0 / 3.0]], dtype=torch.float16),
        "brain": torch.tensor([1e30, -3.14159, 0.1, 1e-30, 2.0], dtype=torch.bfloat16),
        "double": torch.tensor([1.0 / 3.0, -1e10, 1e-40], dtype=torch.float64),
        "index": torch.tensor([[-7, 2**31 - 1], [-2**31, 0]], dtype=torch.int32),
        "long": torch.tensor([-5, 2**31 - 1, -2**31], dtype=torch.int64),
        "empty": torch.zeros(0, 3),
    }
    layout = ["half", "bn.weight", "long", "empty", "brain", "bn.num_batches_tracked", "double",
              "index", "bn.running_mean"]
    metadata = {"format": "pt", "note": "unicode \u2713 \u00e9"}
    data = safetensors_bytes(tensors, metadata, layout, list(reversed(layout)))
    return data, {"metadata": metadata, "tensors": expected(tensors)}


def i64_out_of_range():
    tensors = {"big": torch.tensor([1, 2**40], dtype=torch.int64)}
    return safetensors_bytes(tensors, None, ["big"], ["big"]), None


def writer_golden():
    """What the library's writer would produce; the Java writer must match it byte for byte."""
    tensors = {
        "z.codes": torch.tensor([[3, 1], [4, 1]], dtype=torch.int32),
        "b.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1.0,
        "steps": torch.tensor(42, dtype=torch.int32),
        "a.bias": torch.tensor([0.1, -0.2, 0.3]),
        "empty": torch.zeros(0),
    }
    metadata = {"model": "vqvae", "format_version": "1", "config": "{\"k\": 512}"}
    layout = sorted(tensors, key=lambda n: (-LIBRARY_DTYPE_ORDER.index(DTYPE_NAMES[tensors[n].dtype]), n))
    data = safetensors_bytes(tensors, dict(sorted(metadata.items())), layout, layout)
    # the expected file lists tensors and metadata in insertion order, not the written order
    return data, {"metadata": metadata, "tensors": expected(tensors)}


def main():
    assert sys.byteorder == "little", "numpy tobytes() must give little-endian bytes"
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("pytorch_state_dict", pytorch_state_dict), ("i64_out_of_range", i64_out_of_range),
                       ("writer_golden", writer_golden)]:
        data, values = make()
        (OUT / (name + ".safetensors")).write_bytes(data)
        if values is not None:
            (OUT / (name + ".json")).write_text(json.dumps(values, indent=1, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
        print(name, len(data), "bytes")


if __name__ == "__main__":
    main()
