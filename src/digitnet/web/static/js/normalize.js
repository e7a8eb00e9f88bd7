// A drawing → an MNIST-style 28×28 input: a line-for-line port of digitnet.images.to_mnist.
// Crop to the ink, scale the longer side to 20 px (Pillow's Lanczos on float32 images, ported
// with its exact coefficients), centre of mass to the centre, brightest pixel = 1.
// Python rounds half to even and computes in float64 except inside Pillow (float32): so here.

import { PIXELS, SIDE } from "./constants.js";

const BOX = 20; // the digit's longer side
const INK_THRESHOLD = 0.1; // fraction of the brightest ink that counts as ink for the box
const MIN_CONTRAST = 0.1; // fainter ink than this is a blank image
const COARSE = 100; // side of the reduced view that finds the ink's box

// gray: (height·width) values in [0, 1], row by row → Float32Array(784) in [0, 1].
export function toMnist(gray, height, width, invert = null) {
  let g = Float64Array.from(gray);
  if (invert === null) invert = median(border(g, height, width)) > 0.5;
  if (invert) for (let i = 0; i < g.length; i++) g[i] = 1.0 - g[i];
  const ink = removePaper(g, height, width);
  const blank = new Float32Array(PIXELS);
  if (maxOf(ink) < MIN_CONTRAST) return blank;
  const digit = fitBox(cropToInk({ data: ink, h: height, w: width }));
  const mass = sumOf(digit.data);
  if (mass <= 0) return blank;
  const canvas = centreByMass(digit, mass);
  const top = maxOf(canvas);
  return Float32Array.from(canvas, (v) => v / top); // brightest pixel = 1
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// Plain indexed loops: much faster than iterators on 78,400-pixel drawings.
function maxOf(a) {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

function sumOf(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function median(values) {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function border(a, h, w) {
  const out = [];
  for (let c = 0; c < w; c++) out.push(a[c]);
  for (let c = 0; c < w; c++) out.push(a[(h - 1) * w + c]);
  for (let r = 0; r < h; r++) out.push(a[r * w]);
  for (let r = 0; r < h; r++) out.push(a[r * w + w - 1]);
  return out;
}

// Subtract the paper's level and 3σ of its grain, both read off the border.
function removePaper(ink, h, w) {
  const b = border(ink, h, w);
  const level = median(b);
  const noise = 1.4826 * median(b.map((v) => Math.abs(v - level)));
  const out = new Float64Array(ink.length);
  for (let i = 0; i < ink.length; i++) {
    const v = ink[i] - level - 3.0 * noise;
    out[i] = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
  }
  return out;
}

// Pillow's Image.reduce(k) on a float32 image: the mean of each k×k block (partial at edges).
function reduce(img, k) {
  if (k === 1) return { data: Float32Array.from(img.data), h: img.h, w: img.w };
  const h = Math.ceil(img.h / k);
  const w = Math.ceil(img.w / k);
  const out = new Float32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      let n = 0;
      for (let y = r * k; y < Math.min((r + 1) * k, img.h); y++) {
        for (let x = c * k; x < Math.min((c + 1) * k, img.w); x++) {
          s += Math.fround(img.data[y * img.w + x]);
          n++;
        }
      }
      out[r * w + c] = s / n;
    }
  }
  return { data: out, h, w };
}

// (first, last) row and column holding ink; float32 images compare in float32, as NumPy does.
function inkSpan(img, float32) {
  const top = maxOf(img.data);
  const t = float32 ? Math.fround(Math.fround(INK_THRESHOLD) * top) : INK_THRESHOLD * top;
  let r0 = img.h;
  let r1 = -1;
  let c0 = img.w;
  let c1 = -1;
  for (let r = 0; r < img.h; r++) {
    const row = r * img.w;
    for (let c = 0; c < img.w; c++) {
      if (img.data[row + c] > t) {
        if (r < r0) r0 = r;
        r1 = r;
        if (c < c0) c0 = c;
        if (c > c1) c1 = c;
      }
    }
  }
  return [r0, r1, c0, c1];
}

function slice(img, r0, r1, c0, c1) {
  // rows r0..r1-1, columns c0..c1-1, clamped like NumPy slicing
  r1 = Math.min(r1, img.h);
  c1 = Math.min(c1, img.w);
  const h = r1 - r0;
  const w = c1 - c0;
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) out[r * w + c] = img.data[(r + r0) * img.w + c + c0];
  }
  return { data: out, h, w };
}

// Crop to the ink: the box is found on a view reduced k-fold, then refined at full size.
function cropToInk(ink) {
  const k = Math.max(1, Math.floor(Math.max(ink.h, ink.w) / COARSE));
  let [r0, r1, c0, c1] = inkSpan(reduce(ink, k), true);
  const box = slice(ink, r0 * k, (r1 + 1) * k, c0 * k, (c1 + 1) * k);
  [r0, r1, c0, c1] = inkSpan(box, false);
  return slice(box, r0, r1 + 1, c0, c1 + 1);
}

// Scale so the longer side is BOX pixels, keeping the aspect ratio (Lanczos, clipped to [0, 1]).
function fitBox(box) {
  const scale = BOX / Math.max(box.h, box.w);
  const w = Math.max(1, roundHalfEven(box.w * scale));
  const h = Math.max(1, roundHalfEven(box.h * scale));
  const small = lanczosResize({ data: Float32Array.from(box.data), h: box.h, w: box.w }, h, w);
  return { data: Float64Array.from(small.data, (v) => Math.min(Math.max(v, 0.0), 1.0)), h, w };
}

function lanczos(x) {
  const sinc = (t) => (t === 0.0 ? 1.0 : Math.sin(t * Math.PI) / (t * Math.PI));
  return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
}

// Pillow's precompute_coeffs: for each output pixel, its first input pixel and normalised weights.
function coefficients(inSize, outSize) {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1.0);
  const support = 3.0 * filterscale;
  const result = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1.0 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const k = new Float64Array(xmax);
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) {
      k[x] = lanczos((x + xmin - center + 0.5) * ss);
      ww += k[x];
    }
    if (ww !== 0.0) for (let x = 0; x < xmax; x++) k[x] /= ww;
    result.push({ xmin, k });
  }
  return result;
}

// Two passes, horizontal then vertical, each rounding to float32 like Pillow's "F" images.
function lanczosResize(img, outH, outW) {
  let cur = img;
  if (outW !== cur.w) {
    const co = coefficients(cur.w, outW);
    const out = new Float32Array(cur.h * outW);
    for (let y = 0; y < cur.h; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const { xmin, k } = co[xx];
        let s = 0.0;
        for (let x = 0; x < k.length; x++) s += cur.data[y * cur.w + x + xmin] * k[x];
        out[y * outW + xx] = s;
      }
    }
    cur = { data: out, h: cur.h, w: outW };
  }
  if (outH !== cur.h) {
    const co = coefficients(cur.h, outH);
    const out = new Float32Array(outH * cur.w);
    for (let yy = 0; yy < outH; yy++) {
      const { xmin, k } = co[yy];
      for (let x = 0; x < cur.w; x++) {
        let s = 0.0;
        for (let y = 0; y < k.length; y++) s += cur.data[(y + xmin) * cur.w + x] * k[y];
        out[yy * cur.w + x] = s;
      }
    }
    cur = { data: out, h: outH, w: cur.w };
  }
  return cur;
}

// Paste into a black 28×28 canvas with the centre of mass at pixel (14, 14).
function centreByMass(digit, mass) {
  const { h, w, data } = digit;
  let cy = 0;
  let cx = 0;
  for (let r = 0; r < h; r++) {
    let row = 0;
    for (let c = 0; c < w; c++) row += data[r * w + c];
    cy += row * r;
  }
  for (let c = 0; c < w; c++) {
    let col = 0;
    for (let r = 0; r < h; r++) col += data[r * w + c];
    cx += col * c;
  }
  cy /= mass; // ȳ = Σ y·I(y, x) / Σ I
  cx /= mass; // x̄ = Σ x·I(y, x) / Σ I
  const top = Math.min(Math.max(roundHalfEven(SIDE / 2 - cy), 0), SIDE - h);
  const left = Math.min(Math.max(roundHalfEven(SIDE / 2 - cx), 0), SIDE - w);
  const canvas = new Float64Array(PIXELS);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) canvas[(r + top) * SIDE + c + left] = data[r * w + c];
  }
  return canvas;
}
