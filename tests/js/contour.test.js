// The landscape's contour lines, held equal to d3-contour: on random and smooth grids, at many
// levels, our lines are exactly the segments of d3's polygons that lie inside the grid.

import assert from "node:assert/strict";
import { test } from "node:test";

import { contours } from "d3-contour";

import { isolines } from "../../src/digitnet/web/static/js/contour.js";
import { seeded } from "./tiny.js";

const key = ([x, y]) => `${x.toFixed(9)},${y.toFixed(9)}`;
const segment = (a, b) => [key(a), key(b)].sort().join(" ");

// our lines as segments, in d3's coordinates (sample (i, j) at (i + ½, j + ½))
function ours(values, width, height, level) {
  const out = [];
  for (const line of isolines(values, width, height, level)) {
    const moved = line.map(([x, y]) => [x + 0.5, y + 0.5]);
    for (let k = 1; k < moved.length; k++) out.push(segment(moved[k - 1], moved[k]));
  }
  return out.sort();
}

// d3's polygons' segments, less those along the border that close them
function theirs(values, width, height, level) {
  const onBorder = ([x, y]) => x === 0 || y === 0 || x === width || y === height;
  const out = [];
  const multi = contours().size([width, height]).contour(values, level);
  for (const polygon of multi.coordinates)
    for (const ring of polygon)
      for (let k = 1; k < ring.length; k++)
        if (!onBorder(ring[k - 1]) && !onBorder(ring[k])) out.push(segment(ring[k - 1], ring[k]));
  return out.sort();
}

function grids() {
  const random = seeded(17);
  const out = [];
  for (const [width, height] of [
    [2, 2],
    [3, 5],
    [7, 4],
    [20, 20],
    [41, 41],
  ]) {
    out.push({ width, height, values: Array.from({ length: width * height }, random) });
    // smooth: a bowl with ripples, like a cost landscape
    const values = [];
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++) {
        const [x, y] = [(2 * i) / width - 1, (2 * j) / height - 1];
        values.push(Math.log(0.5 + x * x + 2 * y * y + 0.3 * Math.sin(5 * x) * Math.cos(4 * y)));
      }
    out.push({ width, height, values });
  }
  return out;
}

test("the contour lines are d3-contour's, on random and smooth grids at many levels", () => {
  let compared = 0;
  for (const { width, height, values } of grids()) {
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    for (let k = 1; k < 12; k++) {
      const level = lo + ((hi - lo) * k) / 12;
      const found = ours(values, width, height, level);
      assert.deepEqual(
        found,
        theirs(values, width, height, level),
        `${width}×${height} at ${level}`,
      );
      compared += found.length;
    }
  }
  assert.ok(compared > 5000, `${compared} segments`);
});

test("a line closes on itself around a peak, and ends on the border across a slope", () => {
  const peak = [0, 0, 0, 0, 1, 0, 0, 0, 0];
  const [ring] = isolines(peak, 3, 3, 0.5);
  assert.deepEqual(ring[0], ring.at(-1));
  assert.equal(ring.length, 5);
  const slope = [0, 1, 2, 0, 1, 2, 0, 1, 2];
  const lines = isolines(slope, 3, 3, 1.5);
  assert.equal(lines.length, 1);
  assert.deepEqual(
    lines[0].map(([x]) => x),
    [1.5, 1.5, 1.5],
  );
  assert.deepEqual(isolines(slope, 3, 3, 5), []);
});
