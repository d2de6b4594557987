// Do the features of an ImageNet-pretrained trunk that is available offline name the sounding
// class at the ground-truth box? The trunks are the Keras InceptionV3 and MobileNetV2 that the npm
// package nsfwjs@4.4.0 (MIT) bundles: ImageNet-pretrained, fine-tuned by its authors to five
// content classes, weights quantized to uint8. Same protocol as
// training/tools/ProbeVisualFeatures.java, which measured the CenterNet trunk: for every
// single-source clip of fixed `avloc data synth` splits, the frame (256 px) resized bilinearly to
// the model's input (values 0..1, as nsfwjs feeds it), LAYER's features L2-normalised per position,
// centred over the picture, averaged over the cells of the box and L2-normalised; leave-one-out
// nearest-centroid classification (cosine), overall and per picture package. CROP=1 feeds the box
// alone (cropped from the frame, resized to SIZE) and averages over all positions: whether the
// network recognises the object at all, with its place given. Issue 10; docs/results.md.
//
//   npm ci && node probe.mjs MODEL SIZE LAYER SPLIT_DIR...   MODEL: inception_v3 (SIZE 299) or
//   mobilenet_v2 (SIZE 224); LAYER: a Keras layer name, or `list` to print them
//   e.g. node probe.mjs inception_v3 299 mixed7 /data/val /data/test
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
const require = createRequire(import.meta.url);
const [name, sizeArg, layer, ...dirs] = process.argv.slice(2);
const size = parseInt(sizeArg);
setWasmPaths(path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
await tf.setBackend('wasm');
const here = path.dirname(new URL(import.meta.url).pathname);
const pkg = path.join(here, 'node_modules/nsfwjs/dist/models', name);
const top = require(pkg + '/model.min.js');
const shards = top.weightsManifest[0].paths.map(p => Buffer.from(require(pkg + '/' + p + '.min.js'), 'base64'));
const all = Buffer.concat(shards);
const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: top.modelTopology, weightSpecs: top.weightsManifest[0].weights, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length) }));
if (layer === 'list') { model.layers.forEach(l => console.log(l.name, JSON.stringify(l.outputShape))); process.exit(0); }
const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output });
const labels = [], feats = [], styles = [];
let t0 = Date.now();
for (const dir of dirs) {
  const lines = fs.readFileSync(path.join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map(JSON.parse);
  for (const j of lines) {
    if (j.type !== 'single' || j.bbox.length !== 1) continue;
    const img = jpeg.decode(fs.readFileSync(path.join(dir, j.frame)), { useTArray: true });
    const f = tf.tidy(() => {
      const rgba = tf.tensor3d(img.data, [img.height, img.width, 4], 'int32');
      const rgb = rgba.slice([0, 0, 0], [img.height, img.width, 3]).toFloat().div(255);
      let src = rgb;
      if (process.env.CROP) {
        const b = j.bbox[0], W = img.width, H = img.height;
        const x1 = Math.floor(b[0] * W), y1 = Math.floor(b[1] * H), x2 = Math.max(x1 + 1, Math.ceil(b[2] * W)), y2 = Math.max(y1 + 1, Math.ceil(b[3] * H));
        src = rgb.slice([y1, x1, 0], [Math.min(H, y2) - y1, Math.min(W, x2) - x1, 3]);
      }
      const x = tf.image.resizeBilinear(src, [size, size], true).expandDims(0);
      return sub.predict(x);
    });
    const [, m, m2, ch] = f.shape; const data = await f.data(); f.dispose();
    const v = new Float64Array(m * m2 * ch), mean = new Float64Array(ch);
    for (let p = 0; p < m * m2; p++) {
      let n2 = 0; for (let c = 0; c < ch; c++) n2 += data[p * ch + c] ** 2;
      const n = Math.sqrt(n2) + 1e-12;
      for (let c = 0; c < ch; c++) { v[p * ch + c] = data[p * ch + c] / n; mean[c] += v[p * ch + c] / (m * m2); }
    }
    const b = process.env.CROP ? [0, 0, 1, 1] : j.bbox[0];
    if (process.env.CROP) mean.fill(0);
    const x1 = Math.floor(b[0] * m2), y1 = Math.floor(b[1] * m), x2 = Math.ceil(b[2] * m2), y2 = Math.ceil(b[3] * m);
    const pooled = new Float64Array(ch); let k = 0;
    for (let y = Math.max(0, y1); y < Math.min(m, y2); y++) for (let x = Math.max(0, x1); x < Math.min(m2, x2); x++) {
      for (let c = 0; c < ch; c++) pooled[c] += v[(y * m2 + x) * ch + c] - mean[c]; k++;
    }
    if (k === 0) continue;
    let n = 0; for (const p of pooled) n += p * p; n = Math.sqrt(n) + 1e-12;
    for (let c = 0; c < ch; c++) pooled[c] /= n;
    labels.push(j.class); feats.push(pooled); styles.push(j.objects[0].package);
    if (feats.length % 100 === 0) console.error(`${feats.length} clips, ${((Date.now() - t0) / feats.length).toFixed(0)} ms each`);
  }
}
const sum = new Map(), cnt = new Map(); const ch2 = feats[0].length;
feats.forEach((f, i) => { if (!sum.has(labels[i])) sum.set(labels[i], new Float64Array(ch2)); const s = sum.get(labels[i]); for (let c = 0; c < ch2; c++) s[c] += f[c]; cnt.set(labels[i], (cnt.get(labels[i]) || 0) + 1); });
let ok = 0, tot = 0; const bySt = new Map();
feats.forEach((f, i) => {
  if (cnt.get(labels[i]) < 2) return;
  let best = null, bs = -9;
  for (const [l, s0] of sum) {
    const s = Float64Array.from(s0); let c0 = cnt.get(l);
    if (l === labels[i]) { for (let c = 0; c < ch2; c++) s[c] -= f[c]; c0--; }
    if (c0 === 0) continue;
    let dot = 0, nn = 0; for (let c = 0; c < ch2; c++) { dot += s[c] * f[c]; nn += s[c] * s[c]; }
    const cos = dot / (Math.sqrt(nn) + 1e-12); if (cos > bs) { bs = cos; best = l; }
  }
  const hit = best === labels[i]; ok += hit; tot++;
  const st = bySt.get(styles[i]) || [0, 0]; st[0] += hit; st[1]++; bySt.set(styles[i], st);
});
console.log(`${name}@${size} ${layer} [${feats[0].length} ch]: ${tot} clips, ${sum.size} classes, LOO nearest-centroid ${(ok / tot).toFixed(3)} (chance ~${(1 / sum.size).toFixed(3)})`);
for (const [k, v] of [...bySt].sort()) console.log(`  ${k.padEnd(40)} ${v[0]}/${v[1]} = ${(v[0] / v[1]).toFixed(2)}`);
