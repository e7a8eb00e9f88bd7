// The page's normalisation (a port of digitnet.images.to_mnist): the properties MNIST's recipe
// promises. Agreement with Python to 1e-6 is checked in the browser (tests/web/test_browser.py).

import assert from "node:assert/strict";
import { test } from "node:test";

import { PIXELS, SIDE } from "../../src/digitnet/web/static/js/constants.js";
import { toMnist } from "../../src/digitnet/web/static/js/normalize.js";

// A height×width image of paper (0) with a rectangle of ink (1) from (r0, c0) to (r1, c1).
function rectangle(height, width, [r0, c0, r1, c1], ink = 1) {
  const g = new Float64Array(height * width);
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) g[r * width + c] = ink;
  return g;
}

// The rows (or columns) holding ink, and the centre of mass, of a 28×28 input.
function inkStats(x) {
  let mass = 0;
  let cy = 0;
  let cx = 0;
  const rows = new Set();
  const cols = new Set();
  for (let i = 0; i < PIXELS; i++) {
    if (x[i] <= 0) continue;
    const [r, c] = [Math.floor(i / SIDE), i % SIDE];
    rows.add(r);
    cols.add(c);
    mass += x[i];
    cy += r * x[i];
    cx += c * x[i];
  }
  return { rows: rows.size, cols: cols.size, cy: cy / mass, cx: cx / mass };
}

test("a blank drawing gives 784 zeros", () => {
  for (const paper of [0, 1]) {
    const x = toMnist(new Float64Array(280 * 280).fill(paper), 280, 280);
    assert.equal(x.length, PIXELS);
    assert.ok(x.every((v) => v === 0));
  }
});

test("the digit's longer side is 20 pixels, its centre of mass at the centre", () => {
  const x = toMnist(rectangle(280, 280, [30, 150, 250, 190]), 280, 280); // a tall bar, off-centre
  const { rows, cols, cy, cx } = inkStats(x);
  assert.equal(rows, 20);
  assert.ok(cols < rows);
  assert.ok(Math.abs(cy - SIDE / 2) <= 0.5 && Math.abs(cx - SIDE / 2) <= 0.5, `${cy}, ${cx}`);
});

test("values lie in [0, 1] and the brightest pixel is 1", () => {
  const x = toMnist(rectangle(90, 150, [10, 20, 70, 60], 0.6), 90, 150);
  assert.equal(Math.max(...x), 1);
  assert.ok(x.every((v) => v >= 0 && v <= 1));
});

test("dark ink on light paper reads the same as light ink on dark", () => {
  const light = rectangle(64, 64, [8, 20, 56, 40]);
  const dark = light.map((v) => 1 - v);
  assert.deepEqual(toMnist(dark, 64, 64), toMnist(light, 64, 64));
});

test("the caller's drawing is left as it was", () => {
  const g = rectangle(28, 28, [4, 4, 20, 10]);
  const copy = Float64Array.from(g);
  toMnist(g, 28, 28);
  assert.deepEqual(g, copy);
});
