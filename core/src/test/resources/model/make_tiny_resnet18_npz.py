#!/usr/bin/env python3
"""Writes tiny_resnet18.npz: a ResNet-18 state_dict layout (3 input channels, stage widths
4/8/8/16) saved with numpy.savez exactly as tools/export_torchvision_resnet18.py saves the real
one, so the Java loader is tested against numpy's own zip/npy writer.

Tensor number k (in state_dict order) holds k + arange(size)/size, so a test can predict every
value. The num_batches_tracked counters (int64) and a 1000-class fc are included, as in a raw
torchvision state_dict.

Run from this folder: python3 make_tiny_resnet18_npz.py
"""
import numpy as np

IN, WIDTHS = 3, (4, 8, 8, 16)


def state_dict_shapes():
    sd = {"conv1.weight": (WIDTHS[0], IN, 7, 7)}
    bn(sd, "bn1", WIDTHS[0])
    inplanes = WIDTHS[0]
    for layer in range(1, 5):
        planes = WIDTHS[layer - 1]
        for b in range(2):
            p = f"layer{layer}.{b}."
            cin = inplanes if b == 0 else planes
            sd[p + "conv1.weight"] = (planes, cin, 3, 3)
            bn(sd, p + "bn1", planes)
            sd[p + "conv2.weight"] = (planes, planes, 3, 3)
            bn(sd, p + "bn2", planes)
            if b == 0 and (layer > 1 or inplanes != planes):
                sd[p + "downsample.0.weight"] = (planes, inplanes, 1, 1)
                bn(sd, p + "downsample.1", planes)
        inplanes = planes
    sd["fc.weight"] = (1000, WIDTHS[3])
    sd["fc.bias"] = (1000,)
    return sd


def bn(sd, prefix, c):
    for suffix in ("weight", "bias", "running_mean", "running_var"):
        sd[f"{prefix}.{suffix}"] = (c,)
    sd[f"{prefix}.num_batches_tracked"] = ()


def main():
    arrays = {}
    for k, (name, shape) in enumerate(state_dict_shapes().items()):
        if name.endswith("num_batches_tracked"):
            arrays[name] = np.array(1234, dtype=np.int64)
            continue
        size = int(np.prod(shape))
        arrays[name] = (k + np.arange(size, dtype=np.float32) / size).reshape(shape)
    np.savez("tiny_resnet18.npz", **arrays)


if __name__ == "__main__":
    main()
