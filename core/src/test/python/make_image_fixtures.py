#!/usr/bin/python3
"""Writes PIL's reference outputs for the image preprocessing tests (io.avloc.core.image).

Run with the system interpreter, which has Debian's Pillow and NumPy
(apt-get install -y python3-pil python3-numpy), from the repository root:

    /usr/bin/python3 core/src/test/python/make_image_fixtures.py

Inputs: core/src/test/resources/image/hay-field.jpg (see LICENSES.md there) and seeded noise.
Outputs, in the same folder:
  pil-cases.json         manifest: Pillow version, decode checksum, resize cases, decode cases
  resize/*.png           PIL's Image.resize(size, Image.BICUBIC) results, stored losslessly
  resize/noise-*.rgb     raw uint8 RGB noise inputs (row-major, interleaved)
  modes/*.png, *.jpg     small images in every colour type the decoder handles
  modes/*.rgb            PIL's Image.open(f).convert("RGB") of each, raw uint8 RGB
"""
import hashlib
import json
import os
import struct
import zlib

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "image"))
PHOTO = "hay-field.jpg"


def train_size(w, h, size=224):
    """torchvision Resize(int(size * 1.1)) on a PIL image: shorter side -> int(size*1.1)."""
    short = int(size * 1.1)
    if w <= h:
        return short, int(short * h / w)
    return int(short * w / h), short


def write_png(path, arr, bit_depth, color_type):
    """Minimal PNG writer for layouts PIL cannot save (16-bit colour, 2/4-bit gray)."""
    h, w = arr.shape[:2]
    rows = []
    for y in range(h):
        if bit_depth == 16:
            data = arr[y].astype(">u2").tobytes()
        elif bit_depth == 8:
            data = arr[y].astype(np.uint8).tobytes()
        else:  # gray, packed MSB first
            per = 8 // bit_depth
            vals = list(arr[y]) + [0] * (-len(arr[y]) % per)
            data = bytes(
                sum(int(v) << (8 - bit_depth * (j + 1)) for j, v in enumerate(vals[i : i + per]))
                for i in range(0, len(vals), per)
            )
        rows.append(b"\x00" + data)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr))
        f.write(chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def rgb_of(path):
    return np.asarray(Image.open(path).convert("RGB"))


def main():
    os.makedirs(os.path.join(OUT, "resize"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "modes"), exist_ok=True)
    rng = np.random.default_rng(20240601)
    photo = Image.open(os.path.join(OUT, PHOTO)).convert("RGB")
    manifest = {
        "pillow": PIL.__version__,
        "photo": PHOTO,
        "photoWidth": photo.width,
        "photoHeight": photo.height,
        "photoRgbSha256": hashlib.sha256(photo.tobytes()).hexdigest(),
        "resize": [],
        "decode": [],
    }

    def resize_case(name, source, src_img, crop, size):
        out = src_img.resize(size, Image.BICUBIC)
        out.save(os.path.join(OUT, "resize", name + ".png"), optimize=True)
        case = {"name": name, "input": source, "width": size[0], "height": size[1]}
        if crop:
            case["crop"] = list(crop)  # left, top, width, height
        case["expected"] = "resize/" + name + ".png"
        manifest["resize"].append(case)

    resize_case("photo-224x224", PHOTO, photo, None, (224, 224))
    resize_case("photo-112x112", PHOTO, photo, None, (112, 112))
    resize_case("photo-train-" + "x".join(map(str, train_size(*photo.size))), PHOTO, photo,
                None, train_size(*photo.size))
    left, top, cw, ch = 200, 150, 48, 36
    patch = photo.crop((left, top, left + cw, top + ch))
    resize_case("patch-up-120x90", PHOTO, patch, (left, top, cw, ch), (120, 90))
    resize_case("patch-upx-downy-100x15", PHOTO, patch, (left, top, cw, ch), (100, 15))
    resize_case("patch-downx-upy-20x50", PHOTO, patch, (left, top, cw, ch), (20, 50))

    for (w, h), sizes in {
        (37, 23): [(61, 17), (13, 40), (1, 1), (37, 5)],
        (1, 20): [(3, 7)],
        (300, 7): [(9, 3), (224, 3)],
    }.items():
        noise = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        src = "resize/noise-%dx%d.rgb" % (w, h)
        noise.tofile(os.path.join(OUT, src))
        img = Image.fromarray(noise)
        for size in sizes:
            resize_case("noise-%dx%d-to-%dx%d" % (w, h, *size), src, img, None, size)
    for case in manifest["resize"]:
        if case["input"].endswith(".rgb"):
            w, h = map(int, case["input"].split("-")[-1][:-4].split("x"))
            case["inputWidth"], case["inputHeight"] = w, h

    # Colour types: (file, note). Expected = PIL's convert("RGB") unless noted.
    h, w = 6, 7
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    a8 = rng.integers(0, 256, (h, w), dtype=np.uint8)
    w16 = rng.integers(0, 65536, (h, w, 4), dtype=np.uint16)
    m = lambda f: os.path.join(OUT, "modes", f)  # noqa: E731
    Image.fromarray(rgb).save(m("rgb8.png"))
    Image.fromarray(rgb[..., 0]).save(m("gray8.png"))
    Image.fromarray(np.dstack([rgb, a8])).save(m("rgba8.png"))
    Image.fromarray(np.dstack([rgb[..., 0], a8]), "LA").save(m("gray-alpha8.png"))
    pal = Image.fromarray(rgb).quantize(5)
    pal.save(m("palette4.png"))
    pal.save(m("palette-trns.png"), transparency=2)
    Image.fromarray(rgb).quantize(200).save(m("palette8.png"))
    Image.fromarray(rgb[..., 0] > 128).save(m("gray1.png"))
    write_png(m("gray2.png"), rgb[..., 0] >> 6, 2, 0)
    write_png(m("gray4.png"), rgb[..., 0] >> 4, 4, 0)
    write_png(m("rgb16.png"), w16[..., :3], 16, 2)
    write_png(m("rgba16.png"), w16, 16, 6)
    write_png(m("gray-alpha16.png"), w16[..., :2], 16, 4)
    write_png(m("gray16.png"), w16[..., 0], 16, 0)
    big = photo.crop((100, 100, 164, 148))
    big.save(m("progressive.jpg"), quality=90, progressive=True)
    big.save(m("subsampled-422.jpg"), quality=85, subsampling=1)
    big.save(m("subsampled-444.jpg"), quality=85, subsampling=0)
    big.convert("L").save(m("gray.jpg"), quality=90)
    for f in sorted(os.listdir(os.path.join(OUT, "modes"))):
        if f.endswith(".rgb") or f == "cmyk.jpg":  # cmyk.jpg: from an earlier run
            continue
        expected = rgb_of(m(f))
        note = None
        if f == "gray16.png":
            # PIL opens this as mode "I" and convert("RGB") clips at 255 (an almost white image);
            # the decoder deliberately takes the high byte instead.
            pil = expected
            expected = np.repeat((w16[..., 0] >> 8).astype(np.uint8)[..., None], 3, axis=2)
            note = "deviation: high byte; PIL clips (%d of %d values differ)" % (
                int((pil != expected).sum()), pil.size)
        name = os.path.splitext(f)[0] + "-" + os.path.splitext(f)[1][1:] + ".rgb"
        expected.astype(np.uint8).tofile(m(name))
        case = {"file": "modes/" + f, "pilMode": Image.open(m(f)).mode,
                "width": expected.shape[1], "height": expected.shape[0],
                "expected": "modes/" + name}
        if note:
            case["note"] = note
        manifest["decode"].append(case)
    Image.fromarray(rgb).convert("CMYK").save(m("cmyk.jpg"))  # unsupported; no expectation

    with open(os.path.join(OUT, "pil-cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
