// Builds the detector fixture's input pictures: a background photo with one or two cut-outs pasted
// on it, 256x256 RGB PNG (the test and reference.mjs scale them x2 by pixel replication to the
// detector's 512x512). Nearest-neighbour scaling and integer alpha blending, so the result is exact
// and needs no image library beyond the codecs. The media are unchanged files of the Debian
// packages that training/fetch-benchmark-assets.sh unpacks (the synthetic cameras' first asset
// set, since replaced by test-split media; the bytes are the same).
//
//   node make-images.mjs OUT_DIR [ASSET_ROOT]
//
// ASSET_ROOT defaults to ${AVLOC_ASSET_CACHE:-~/.cache/avloc/benchmark-assets}/root.
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const assets =
  process.argv[3] ||
  path.join(process.env.AVLOC_ASSET_CACHE || path.join(process.env.HOME, '.cache/avloc/benchmark-assets'), 'root');
const T = 'usr/share/tuxpaint/stamps/animals';
const Q = 'usr/share/qabcs/abcs/all/pics';
const S = 'usr/share/scratch/Media/Backgrounds';
const SIZE = 256;

const scenes = [
  { name: 'hay_field-dog-horse', background: `${S}/Outdoors/hay_field.jpg`,
    objects: [[`${T}/mammals/dogs/dog.png`, 20, 100, 110], [`${Q}/animals/horse.png`, 140, 60, 120]] },
  { name: 'hall-cow', background: `${S}/Indoors/hall.jpg`,
    objects: [[`${Q}/animals/cow.png`, 60, 70, 150]] },
  { name: 'hill-rooster-violin', background: `${S}/Nature/hill.jpg`,
    objects: [[`${T}/birds/rooster.png`, 150, 120, 100], [`${Q}/instrument/violin.png`, 10, 30, 120]] },
];

function readRgba(file) {
  const bytes = fs.readFileSync(path.join(assets, file));
  if (file.endsWith('.png')) {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, data: img.data };
}

/** Nearest-neighbour sample of src at output pixel (x, y) of an outW x outH rendering. */
function sample(src, x, y, outW, outH) {
  const sx = Math.min(src.width - 1, Math.floor((x * src.width) / outW));
  const sy = Math.min(src.height - 1, Math.floor((y * src.height) / outH));
  return 4 * (sy * src.width + sx);
}

const out = process.argv[2];
if (!out) {
  console.error('usage: node make-images.mjs OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
for (const scene of scenes) {
  const bg = readRgba(scene.background);
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const s = sample(bg, x, y, SIZE, SIZE);
      for (let c = 0; c < 3; c++) rgb[3 * (y * SIZE + x) + c] = bg.data[s + c];
    }
  }
  for (const [file, left, top, side] of scene.objects) {
    const obj = readRgba(file);
    const h = Math.round((side * obj.height) / obj.width);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < side; x++) {
        const X = left + x, Y = top + y;
        if (X < 0 || Y < 0 || X >= SIZE || Y >= SIZE) continue;
        const s = sample(obj, x, y, side, h);
        const a = obj.data[s + 3];
        for (let c = 0; c < 3; c++) {
          const i = 3 * (Y * SIZE + X) + c;
          rgb[i] = Math.floor((obj.data[s + c] * a + rgb[i] * (255 - a) + 127) / 255);
        }
      }
    }
  }
  const png = new PNG({ width: SIZE, height: SIZE, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(rgb);
  fs.writeFileSync(path.join(out, scene.name + '.png'), PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
  console.log('wrote', scene.name + '.png');
}
