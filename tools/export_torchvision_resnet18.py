#!/usr/bin/env python3
"""Export torchvision's ImageNet ResNet-18 weights to an .npz that avloc reads.

avloc's visual trunk (io.avloc.core.model.ResNet18Trunk) starts from torchvision's
resnet18(weights="IMAGENET1K_V1") (docs/methods.md §2). The Java side never downloads and never
unpickles PyTorch files: it reads a plain .npz of named float32 arrays, one per state_dict tensor,
with torchvision's names (conv1.weight, bn1.running_mean, layer2.0.downsample.0.weight, ...).
io.avloc.core.model.ImageNetWeights.load(trunk, path) copies them in and names every missing,
unexpected or mis-shaped tensor if the file does not fit.

Run it on any machine with torch and torchvision, then copy the .npz where avloc can read it:

    python3 tools/export_torchvision_resnet18.py --out resnet18-imagenet1k-v1.npz
    # or, offline, from a checkpoint torchvision already downloaded:
    python3 tools/export_torchvision_resnet18.py \
        --checkpoint ~/.cache/torch/hub/checkpoints/resnet18-f37072fd.pth --out resnet18.npz

The classifier (fc.*) and the batch-norm num_batches_tracked counters are left out; the Java
loader would ignore them anyway. The script prints the tensor count (100) and the file's sha256,
which belongs in the model manifest.
"""
import argparse
import hashlib

import numpy as np


def state_dict(weights, checkpoint):
    import torch
    import torchvision

    if checkpoint:
        sd = torch.load(checkpoint, map_location="cpu", weights_only=True)
    else:
        sd = torchvision.models.resnet18(weights=weights).state_dict()
    return sd


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="resnet18-imagenet1k-v1.npz", help="output .npz path")
    parser.add_argument("--weights", default="IMAGENET1K_V1", help="torchvision weights enum name")
    parser.add_argument("--checkpoint", help="a local torchvision resnet18 .pth instead of --weights")
    args = parser.parse_args()

    arrays = {}
    for name, tensor in state_dict(args.weights, args.checkpoint).items():
        if name.startswith("fc.") or name.endswith("num_batches_tracked"):
            continue
        # float32, little-endian, C order: what the Java side's npy reader expects.
        arrays[name] = np.ascontiguousarray(tensor.detach().cpu().numpy().astype("<f4"))

    if len(arrays) != 100 or arrays["conv1.weight"].shape != (64, 3, 7, 7):
        raise SystemExit(
            f"not a torchvision resnet18: {len(arrays)} tensors, "
            f"conv1.weight {arrays.get('conv1.weight', np.empty(0)).shape}"
        )
    np.savez(args.out, **arrays)

    digest = hashlib.sha256()
    with open(args.out, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    params = sum(a.size for n, a in arrays.items() if "running_" not in n)
    print(f"wrote {args.out}: {len(arrays)} tensors, {params:,} trainable values")
    print(f"sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
