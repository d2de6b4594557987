#!/usr/bin/env bash
# Fetches the media of the realistic synthetic benchmark and training corpus
# (docs/benchmark-data.md, DATA.md §4): pinned Debian 12 (bookworm) packages, downloaded with
# `apt-get download` and unpacked with `dpkg-deb -x` into CACHE_DIR/root; pinned npm packages
# (emoji) unpacked into CACHE_DIR/root/npm; then the derived files the catalog names
# (CACHE_DIR/root/derived: SVG drawings rasterized with the unpacked rsvg-convert, soundfont clips
# rendered with the JDK). Nothing is installed and no root is needed; needs apt-get, dpkg-deb,
# npm/node and java.
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
  # The training corpus (issue 10): more pictures and sound sources per class.
  "openclipart-svg=1:0.18+dfsg-19"
  "librsvg2-bin=2.54.7+dfsg-1~deb12u1"
  "gnome-audio=2.22.2-1.2"
  "fluid-soundfont-gm=3.1-5.3"
  "timgm6mb-soundfont=1.3-5"
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

# --- npm packages (emoji of five drawing styles), unpacked into root/npm/<name>/ ---------------
npm_packages=(
  "emoji-datasource-google@16.0.0"
  "@iconify-json/noto-v1@1.2.5"
  "@iconify-json/fxemoji@1.2.2"
  "@iconify-json/emojione@1.2.3"
  "@iconify-json/streamline-emojis@1.2.4"
)
command -v npm >/dev/null || fail "needs npm (Node.js) for the emoji packages; see docs/benchmark-data.md"
mkdir -p "$cache/npm"
for p in "${npm_packages[@]}"; do
  name="${p%@*}"
  short="${name##*/}"
  tag="npm_${short}_${p##*@}"
  if [ ! -e "$cache/.unpacked/$tag" ]; then
    echo "fetching $p (npm)"
    tgz="$(cd "$cache/npm" && npm pack -q "$p" 2>/dev/null | tail -1)" \
      || fail "could not fetch $p with 'npm pack' (is the npm registry reachable?)"
    rm -rf "$cache/root/npm/$short"
    mkdir -p "$cache/root/npm/$short"
    tar -xzf "$cache/npm/$tgz" -C "$cache/root/npm/$short" --strip-components=1 \
      || fail "could not unpack $cache/npm/$tgz (delete it and run again)"
    touch "$cache/.unpacked/$tag"
  fi
done

# --- derived files named by the catalog: rasterized drawings and soundfont renders -------------
# Every path below derived/ in the catalog is made here, deterministically, from the packages
# above; running again only makes what is missing.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
catalog="$here/src/main/resources/io/avloc/training/synth/catalog.tsv"
root="$cache/root"
rsvg="$root/usr/bin/rsvg-convert"
[ -x "$rsvg" ] || fail "rsvg-convert missing from the unpacked librsvg2-bin"
cut -f4 "$catalog" | grep '^derived/' | sort -u >"$cache/derived.list"
missing=0
while read -r path; do
  [ -s "$root/$path" ] && continue
  missing=$((missing + 1))
done <"$cache/derived.list"
echo "derived files: $(wc -l <"$cache/derived.list") listed, $missing to make"
if [ "$missing" -gt 0 ]; then
  spec="$cache/sf2-spec"
  rm -rf "$spec" && mkdir -p "$spec"
  while read -r path; do
    out="$root/$path"
    [ -s "$out" ] && continue
    mkdir -p "$(dirname "$out")"
    case "$path" in
      derived/openclipart/*.png)
        src="$root/usr/share/openclipart/svg/${path#derived/openclipart/}"
        "$rsvg" -h 256 -o "$out.tmp" "${src%.png}.svg" && mv "$out.tmp" "$out" \
          || fail "could not rasterize ${src%.png}.svg"
        ;;
      derived/tuxpaint/*.png)
        src="$root/usr/share/tuxpaint/stamps/${path#derived/tuxpaint/}"
        "$rsvg" -h 256 -o "$out.tmp" "${src%.png}.svg" && mv "$out.tmp" "$out" \
          || fail "could not rasterize ${src%.png}.svg"
        ;;
      derived/emoji/*.png)
        rel="${path#derived/emoji/}"
        set_name="${rel%%/*}"
        icon="$(basename "$rel" .png)"
        node -e '
          const [file, icon] = process.argv.slice(1);
          const set = JSON.parse(require("fs").readFileSync(file, "utf8"));
          const i = set.icons[icon] || set.icons[(set.aliases || {})[icon]?.parent];
          if (!i) { console.error("no icon " + icon + " in " + file); process.exit(1); }
          const w = i.width || set.width || 16, h = i.height || set.height || 16;
          process.stdout.write(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${i.left || 0} ${i.top || 0} ${w} ${h}">${i.body}</svg>`);
        ' "$root/npm/$set_name/icons.json" "$icon" >"$out.svg" \
          || fail "could not extract $icon from npm package $set_name"
        "$rsvg" -w 256 -h 256 -o "$out.tmp" "$out.svg" && mv "$out.tmp" "$out" \
          || fail "could not rasterize $icon of $set_name"
        rm -f "$out.svg"
        ;;
      derived/sf2/*/*.wav)
        rel="${path#derived/sf2/}"
        font="${rel%%/*}"
        stem="$(basename "$rel" .wav)" # <class>_<kind>_p<program>_s<seed>
        IFS=_ read -r _ kind program seed <<<"$stem"
        printf '%s\t%s\t%s\t%s\n' "$stem" "$kind" "${program#p}" "${seed#s}" >>"$spec/$font.tsv"
        ;;
      *) fail "the catalog names $path, which this script does not know how to make" ;;
    esac
  done <"$cache/derived.list"
  for tsv in "$spec"/*.tsv; do
    [ -e "$tsv" ] || continue
    font="$(basename "$tsv" .tsv)"
    echo "rendering $(wc -l <"$tsv") clips from $font.sf2 (Java's Gervill synthesizer)"
    java --add-exports java.desktop/com.sun.media.sound=ALL-UNNAMED \
      "$here/tools/RenderSoundfont.java" "$root/usr/share/sounds/sf2/$font.sf2" "$tsv" \
      "$root/derived/sf2/$font" || fail "could not render the $font soundfont clips"
  done
fi

echo "benchmark assets ready in $cache/root ($(du -sh "$cache/root" | cut -f1))"
if [ "$cache" = "$default_cache" ]; then
  echo "generate with: avloc data synth --out DIR --clips N --split train|test --seed S"
else
  echo "generate with: avloc data synth --assets $cache --out DIR --clips N --split train|test --seed S"
fi
