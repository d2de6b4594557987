#!/usr/bin/env python3
"""Writes the scipy reference spectrograms that SpectrogramScipyParityTest compares against.

Run from the repository root:  python3 core/src/test/python/spectrogram_fixture.py
Generated with numpy 2.4.6 and scipy 1.17.1.

For each case it builds a deterministic test signal, rounds it to float32 (the Java input type),
and computes exactly what the papers do (docs/methods.md §1.1 steps 5-7):

    f, t, P = scipy.signal.spectrogram(x, fs, nperseg=512, noverlap=274)   # float64 x
    S = np.log(P + 1e-7) / 12

Output file (little-endian):
    int32 sample_rate, int32 n, int32 frames,
    float32[n] x,
    float64[257 * frames] P   (P[f, t] at index f * frames + t)
    float64[257 * frames] S   (same layout)
"""
import os
import struct

import numpy as np
import scipy
from scipy import signal

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "audio")


def test_signal(fs, seconds, seed):
    n = int(round(fs * seconds))
    t = np.arange(n) / fs
    rng = np.random.default_rng(seed)
    x = 0.05  # a DC offset, removed per segment by detrend='constant'
    x = x + 0.3 * np.sin(2 * np.pi * 440.0 * t + 0.3)
    # a linear chirp over most of the band
    f0, f1 = 100.0, 0.45 * fs
    x = x + 0.2 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds)))
    x = x + 0.05 * rng.standard_normal(n)
    # a stretch of digital silence: whole segments with P = 0, so S hits the 1e-7 floor
    quiet = slice(int(0.4 * n), int(0.4 * n) + int(0.25 * seconds * fs))
    x[quiet] = 0.0
    return x.astype(np.float32)


def write_case(name, fs, seconds, seed):
    x32 = test_signal(fs, seconds, seed)
    x = x32.astype(np.float64)
    _, _, p = signal.spectrogram(x, fs, nperseg=512, noverlap=274)
    s = np.log(p + 1e-7) / 12
    assert p.shape[0] == 257 and p.dtype == np.float64
    frames = p.shape[1]
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(struct.pack("<iii", fs, x32.size, frames))
        f.write(x32.astype("<f4").tobytes())
        f.write(np.ascontiguousarray(p).astype("<f8").tobytes())
        f.write(np.ascontiguousarray(s).astype("<f8").tobytes())
    print(f"{path}: fs={fs} n={x32.size} frames={frames} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    print(f"numpy {np.__version__}, scipy {scipy.__version__}")
    write_case("scipy-spectrogram-16000.bin", 16000, 0.5, seed=1)
    write_case("scipy-spectrogram-44100.bin", 44100, 0.1, seed=2)
