#!/usr/bin/env python3
"""Writes core/src/test/resources/audio/two-tones-stereo.ogg for AudioDecoderTest.

Run from the repository root:  python3 core/src/test/python/ogg_fixture.py
Needs oggenc (Debian package vorbis-tools); generated with oggenc 1.4.2 (libvorbis 1.3.7).

The signal: 1 s at 22050 Hz, stereo; left 0.4 * sin(2 pi 440 t), right 0.2 * sin(2 pi 1000 t),
written as 16-bit PCM and encoded at quality 6. Averaged to mono it holds 0.2 at 440 Hz and 0.1 at
1000 Hz.
"""
import os
import subprocess
import tempfile

import numpy as np
from scipy.io import wavfile

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "audio", "two-tones-stereo.ogg")

fs = 22050
t = np.arange(fs) / fs
left = 0.4 * np.sin(2 * np.pi * 440 * t)
right = 0.2 * np.sin(2 * np.pi * 1000 * t)
pcm = np.round(np.stack([left, right], axis=1) * 32767).astype("<i2")

with tempfile.TemporaryDirectory() as tmp:
    wav = os.path.join(tmp, "two-tones.wav")
    wavfile.write(wav, fs, pcm)
    subprocess.run(["oggenc", "-Q", "-q", "6", "--serial", "1", "-o", OUT, wav], check=True)
print(f"{OUT}: {os.path.getsize(OUT)} bytes")
