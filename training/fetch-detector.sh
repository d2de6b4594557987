#!/usr/bin/env bash
# Fetches the pretrained object detector of the object prior (docs/detector.md): the CenterNet
# (MobileNetV3, COCO, TF.js graph model with float16 weights) shipped in the npm package
# @vladmandic/human, pinned to one version and checked against pinned checksums. Downloaded with
# `npm pack` (no install, no scripts run) and unpacked with tar into CACHE_DIR; nothing at run time
# needs the network.
#
#   training/fetch-detector.sh [CACHE_DIR]
#
# CACHE_DIR defaults to ${AVLOC_DETECTOR_CACHE:-$HOME/.cache/avloc/detector}; the model lands in
# CACHE_DIR/human-3.3.6/ (centernet.json, centernet.bin, LICENSE, SOURCE), which is what
# `avloc detector import` and `avloc eval --detector` read and what core's importer test looks
# for. Running it again does nothing when the files are there and intact.
set -euo pipefail

default_cache="${AVLOC_DETECTOR_CACHE:-$HOME/.cache/avloc/detector}"
cache="${1:-$default_cache}"

package="@vladmandic/human"
version="3.3.6"
# npm's dist.integrity of the tarball, and sha256 of the two files we use.
integrity="sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A=="
json_sha256="bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05"
bin_sha256="1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef"

fail() {
  echo "fetch-detector: $*" >&2
  exit 1
}

for tool in npm tar sha256sum openssl base64; do
  command -v "$tool" >/dev/null || fail "needs $tool on the PATH (npm comes with Node.js)"
done

dest="$cache/human-$version"
intact() {
  [ -s "$dest/centernet.json" ] && [ -s "$dest/centernet.bin" ] \
    && echo "$json_sha256  $dest/centernet.json" | sha256sum -c --status \
    && echo "$bin_sha256  $dest/centernet.bin" | sha256sum -c --status
}

if intact; then
  echo "detector ready in $dest"
  exit 0
fi

mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.download.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "fetching $package@$version (npm pack, ~28 MB)"
if ! (cd "$tmp" && npm pack --silent "$package@$version" >"$tmp/log" 2>&1); then
  cat "$tmp/log" >&2
  fail "could not fetch $package@$version with 'npm pack'; check that the npm registry is" \
    "reachable (npm config get registry) and try again"
fi
tgz=("$tmp"/*.tgz)
[ -s "${tgz[0]}" ] || fail "npm pack $package@$version produced no tarball"
got="sha512-$(openssl dgst -sha512 -binary "${tgz[0]}" | base64 -w0)"
[ "$got" = "$integrity" ] \
  || fail "$package@$version tarball has integrity $got, expected $integrity; not using it"

mkdir -p "$tmp/x"
tar -xzf "${tgz[0]}" -C "$tmp/x" package/models/centernet.json package/models/centernet.bin \
  package/LICENSE package/package.json
mkdir -p "$dest"
cp "$tmp/x/package/models/centernet.json" "$tmp/x/package/models/centernet.bin" "$dest/"
cp "$tmp/x/package/LICENSE" "$dest/LICENSE"
cat >"$dest/SOURCE" <<SRC
package: $package@$version (npm registry)
integrity: $integrity
files: package/models/centernet.json, package/models/centernet.bin
licence: MIT (package/LICENSE, copied as LICENSE); model from github.com/610265158/mobilenetv3_centernet,
  converted to TF.js by the package's author
SRC
intact || fail "the unpacked model files do not match their pinned sha256; delete $dest and retry"
echo "detector ready in $dest ($(du -sh "$dest" | cut -f1))"
