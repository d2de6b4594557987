#!/usr/bin/env bash
# Recreates avloc's curated synthetic-camera assets from Debian packages (DATA.md §1-§4).
#
#   assets/fetch-assets.sh [OUT_DIR]
#
# OUT_DIR defaults to feed/src/main/resources/assets/synthetic (where the bundled set lives,
# so that it ends up in the jar). Needs apt-get (no root: packages are only downloaded and
# unpacked with dpkg-deb -x) and sox with Vorbis support: apt-get install -y sox libsox-fmt-all.
# Every file is listed with its source and licence in
# feed/src/main/resources/assets/LICENSES.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$repo/feed/src/main/resources/assets/synthetic}"
cache="${AVLOC_ASSET_CACHE:-${TMPDIR:-/tmp}/avloc-asset-debs}"

# Pinned to Debian 12 (bookworm); the files below were checked in these versions.
packages=(
  "tuxpaint-stamps-default=2022.06.04-1"
  "qabcs-data=1.0.2-6"
  "scratch=1.4.0.6~dfsg1-6.1"
)

command -v sox >/dev/null || { echo "needs sox: apt-get install -y sox libsox-fmt-all" >&2; exit 1; }

mkdir -p "$cache"
(
  cd "$cache"
  for p in "${packages[@]}"; do
    name="${p%%=*}"
    if ! ls "${name}"_*.deb >/dev/null 2>&1; then
      apt-get download "$p"
    fi
  done
  for deb in *.deb; do
    dpkg-deb -x "$deb" root
  done
)

T="$cache/root/usr/share/tuxpaint/stamps"
Q="$cache/root/usr/share/qabcs/abcs/all"
S="$cache/root/usr/share/scratch/Media"

rm -rf "$out"
mkdir -p "$out"

# picture: copy a PNG cut-out (alpha kept; the loader trims transparent borders)
picture() { # class source-file name
  mkdir -p "$out/objects/$1"
  cp "$2" "$out/objects/$1/$3.png"
}

# sound: optionally cut to N seconds, mono, 16 kHz, peak at -1 dBFS, 16-bit WAV without dither
# (so that the output is the same on every run)
sound() { # kind class source-file name [seconds]
  mkdir -p "$out/$1/$2"
  local trim=()
  if [ -n "${5:-}" ]; then trim=(trim 0 "$5"); fi
  sox -D "$3" -b 16 "$out/$1/$2/$4.wav" "${trim[@]}" channels 1 gain -3 rate 16000 gain -n -1
}

background() { # source-file name
  mkdir -p "$out/backgrounds"
  cp "$1" "$out/backgrounds/$2.jpg"
}

# Classes seen and heard: one Tux Paint photo cut-out and one qABCs picture, each with its sound.
picture dog     "$T/animals/mammals/dogs/dog.png"            tuxpaint-dog
picture dog     "$Q/pics/animals/dog.png"                    qabcs-dog
picture cow     "$T/animals/mammals/bovines/cow.png"         tuxpaint-cow
picture cow     "$Q/pics/animals/cow.png"                    qabcs-cow
picture rooster "$T/animals/birds/rooster.png"               tuxpaint-rooster
picture rooster "$Q/pics/animals/rooster.png"                qabcs-rooster
picture horse   "$T/animals/mammals/equines/horse.png"       tuxpaint-horse
picture horse   "$Q/pics/animals/horse.png"                  qabcs-horse
picture violin  "$T/hobbies/music/string/violin.png"         tuxpaint-violin
picture violin  "$Q/pics/instrument/violin.png"              qabcs-violin
picture drum    "$T/hobbies/music/percussion/drumkit.png"    tuxpaint-drumkit
picture drum    "$Q/pics/instrument/drums.png"               qabcs-drums

sound sounds dog     "$T/animals/mammals/dogs/dog.ogg"          tuxpaint-dog
sound sounds dog     "$Q/noises/dog.ogg"                        qabcs-dog
sound sounds cow     "$T/animals/mammals/bovines/cow.ogg"       tuxpaint-cow
sound sounds cow     "$Q/noises/cow.ogg"                        qabcs-cow
sound sounds rooster "$T/animals/birds/rooster.ogg"             tuxpaint-rooster
sound sounds rooster "$Q/noises/rooster.ogg"                    qabcs-rooster
sound sounds horse   "$T/animals/mammals/equines/horse.ogg"     tuxpaint-horse
sound sounds horse   "$Q/noises/horse.ogg"                      qabcs-horse
sound sounds violin  "$T/hobbies/music/string/violin.ogg"       tuxpaint-violin
sound sounds violin  "$Q/noises/violin.ogg"                     qabcs-violin
sound sounds drum    "$T/hobbies/music/percussion/drumkit.ogg"  tuxpaint-drumkit
sound sounds drum    "$Q/noises/drums.ogg"                      qabcs-drums

# Heard but never seen: the off-screen pool.
sound offscreen siren  "$T/vehicles/emergency/firetruck.ogg"    tuxpaint-firetruck 4
sound offscreen vacuum "$T/household/vacuum_cleaner.ogg"        tuxpaint-vacuum_cleaner
sound offscreen clock  "$Q/noises/clock.ogg"                    qabcs-clock
sound offscreen train  "$Q/noises/train.ogg"                    qabcs-train

# Real photos, 480x360.
background "$S/Backgrounds/Outdoors/hay_field.jpg" scratch-hay_field
background "$S/Backgrounds/Nature/hill.jpg"        scratch-hill
background "$S/Backgrounds/Indoors/hall.jpg"       scratch-hall

(cd "$out" && find . -type f ! -name manifest.txt | sed 's|^\./||' | LC_ALL=C sort > manifest.txt)
echo "wrote $(wc -l < "$out/manifest.txt") files, $(du -sh "$out" | cut -f1), to $out"
