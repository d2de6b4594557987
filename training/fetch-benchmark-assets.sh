#!/usr/bin/env bash
# Fetches the media of the realistic synthetic benchmark (docs/benchmark-data.md, DATA.md §4):
# pinned Debian 12 (bookworm) packages, downloaded with `apt-get download` and unpacked with
# `dpkg-deb -x` into CACHE_DIR/root. Nothing is installed and no root is needed.
#
#   training/fetch-benchmark-assets.sh [CACHE_DIR]
#
# CACHE_DIR defaults to ${AVLOC_ASSET_CACHE:-$HOME/.cache/avloc/benchmark-assets}; it is what
# `avloc data synth --assets` reads (its default is the same folder). Running it again does
# nothing for packages already fetched and unpacked.
set -euo pipefail

default_cache="${AVLOC_ASSET_CACHE:-$HOME/.cache/avloc/benchmark-assets}"
cache="${1:-$default_cache}"

# The versions whose files the catalog (training/src/main/resources/io/avloc/training/synth/
# catalog.tsv) was checked against.
packages=(
  "tuxpaint-stamps-default=2022.06.04-1"
  "qabcs-data=1.0.2-6"
  "scratch=1.4.0.6~dfsg1-6.1"
  "tuxpaint-data=1:0.9.28-sdl2-1"
  "brainparty-data=0.61+dfsg-7"
  "sound-theme-freedesktop=0.8-2"
  "oxygen-sounds=4:5.27.5-2"
  "lmms-common=1.2.2+dfsg1-6"
  "sound-icons=0.1-8"
)

fail() {
  echo "fetch-benchmark-assets: $*" >&2
  exit 1
}

for tool in apt-get dpkg-deb; do
  command -v "$tool" >/dev/null \
    || fail "needs $tool (a Debian or Ubuntu system); see docs/benchmark-data.md"
done

mkdir -p "$cache/debs" "$cache/root" "$cache/.unpacked"
cache="$(cd "$cache" && pwd)"
default_cache="$(cd "$default_cache" 2>/dev/null && pwd || echo "$default_cache")"

for p in "${packages[@]}"; do
  name="${p%%=*}"
  version="${p#*=}"
  tag="${name}_${version//:/%3a}"
  deb="$cache/debs/$tag.deb"
  if [ ! -s "$deb" ]; then
    echo "fetching $name $version"
    tmp="$(mktemp -d "$cache/debs/.download.XXXXXX")"
    if ! (cd "$tmp" && apt-get download -q "$p" >"$tmp/log" 2>&1); then
      cat "$tmp/log" >&2
      rm -rf "$tmp"
      fail "could not fetch package $name=$version with 'apt-get download'." \
        "Check that a Debian 12 (bookworm) archive is configured and reachable, run" \
        "'apt-get update' (as root) and try again."
    fi
    got=("$tmp"/*.deb)
    [ -s "${got[0]}" ] || { rm -rf "$tmp"; fail "apt-get download $p produced no .deb"; }
    mv "${got[0]}" "$deb"
    rm -rf "$tmp"
  fi
  if [ ! -e "$cache/.unpacked/$tag" ]; then
    echo "unpacking $name $version"
    dpkg-deb -x "$deb" "$cache/root" || fail "could not unpack $deb (delete it and run again)"
    touch "$cache/.unpacked/$tag"
  fi
done

echo "benchmark assets ready in $cache/root ($(du -sh "$cache/root" | cut -f1))"
if [ "$cache" = "$default_cache" ]; then
  echo "generate with: avloc data synth --out DIR --clips N --split train|test --seed S"
else
  echo "generate with: avloc data synth --assets $cache --out DIR --clips N --split train|test --seed S"
fi
