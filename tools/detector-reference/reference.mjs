// Reference outputs of the original CenterNet (TF.js graph model, cpu backend) for the importer
// test in core (io.avloc.core.detector.CenterNetImportTest). For every PICTURE.png in FIXTURE_DIR
// (256x256 RGB, scaled x2 by pixel replication to the 512x512 input, values 0..255) it writes
// PICTURE.ref.bin with, for each of the three exposed nodes, a fixed subset of its values, and
// the full objectness map (max over the 80 class heatmaps) of tower_0/keypoints.
//
//   npm ci && node reference.mjs DETECTOR_DIR FIXTURE_DIR
//
// DETECTOR_DIR is what training/fetch-detector.sh prints (it holds centernet.json/.bin).
//
// File format (big-endian, java.io.DataInputStream): magic "AVREF1" (6 bytes), int count, then
// per entry: UTF name (DataOutput.writeUTF), int rank, int[rank] shape (NHWC), int n,
// int[n] flat indices, float[n] values.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

const [detectorDir, fixtureDir] = process.argv.slice(2);
if (!detectorDir || !fixtureDir) {
  console.error('usage: node reference.mjs DETECTOR_DIR FIXTURE_DIR');
  process.exit(2);
}
const OUTPUTS = [
  'tower_0/keypoints',
  'tower_0/CenternetHead/Relu',
  'tower_0/MobilenetV3/expanded_conv_14/add',
];
// Positions checked per output: every STRIDE-th value of a fixed permutation (i * PRIME mod size),
// which spreads over positions and channels alike.
const SUBSET = 8192;
const PRIME = 1000003;

await tf.setBackend('cpu');
const json = JSON.parse(fs.readFileSync(path.join(detectorDir, 'centernet.json'), 'utf8'));
const bin = fs.readFileSync(path.join(detectorDir, 'centernet.bin'));
const model = await tf.loadGraphModel({
  load: async () => ({
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }),
});

function picture(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const side = png.width * 2;
  const x = new Float32Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let xx = 0; xx < side; xx++) {
      const s = 4 * ((y >> 1) * png.width + (xx >> 1));
      for (let c = 0; c < 3; c++) x[3 * (y * side + xx) + c] = png.data[s + c];
    }
  }
  return tf.tensor(x, [1, side, side, 3]);
}

class Writer {
  constructor() { this.parts = []; }
  int(v) { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); }
  float(v) { const b = Buffer.alloc(4); b.writeFloatBE(v); this.parts.push(b); }
  utf(s) { const u = Buffer.from(s, 'utf8'); const b = Buffer.alloc(2); b.writeUInt16BE(u.length); this.parts.push(b, u); }
  entry(name, shape, indices, values) {
    this.utf(name);
    this.int(shape.length);
    shape.forEach((d) => this.int(d));
    this.int(indices.length);
    indices.forEach((i) => this.int(i));
    values.forEach((v) => this.float(v));
  }
}

const pictures = fs.readdirSync(fixtureDir).filter((f) => f.endsWith('.png')).sort();
for (const name of pictures) {
  const input = picture(path.join(fixtureDir, name));
  const t0 = Date.now();
  const outs = model.execute({ 'tower_0/images': input }, OUTPUTS);
  const w = new Writer();
  w.parts.push(Buffer.from('AVREF1', 'ascii'));
  w.int(OUTPUTS.length + 1);
  for (let k = 0; k < OUTPUTS.length; k++) {
    const values = outs[k].dataSync();
    const size = values.length;
    const n = Math.min(SUBSET, size);
    const idx = [];
    for (let i = 0; i < n; i++) idx.push(Number((BigInt(i) * BigInt(PRIME)) % BigInt(size)));
    w.entry(OUTPUTS[k], outs[k].shape, idx, idx.map((i) => values[i]));
  }
  const objectness = outs[0].max(3);
  const all = objectness.dataSync();
  w.entry('objectness', objectness.shape, [...all.keys()], [...all]);
  fs.writeFileSync(path.join(fixtureDir, name.replace(/\.png$/, '.ref.bin')), Buffer.concat(w.parts));
  console.log(name, 'in', Date.now() - t0, 'ms; objectness max', Math.max(...all).toFixed(4));
  tf.dispose([input, ...outs, objectness]);
}
