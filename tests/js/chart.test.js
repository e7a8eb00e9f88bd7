// The Learn view's chart arithmetic: the log axis, its labels, the epoch ticks, the legend's place.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  chartLayout,
  epochTicks,
  logAxis,
  logY,
  tickLabel,
} from "../../src/digitnet/web/static/js/chart.js";

test("an empty chart has no axis to make up (no 1.0e-9)", () => {
  assert.equal(logAxis([]), null);
  assert.equal(logAxis([NaN, Infinity]), null);
});

test("the log axis holds every value between 1-2-5 numbers, with readable labels", () => {
  const costs = [3.1, 0.9, 0.4, 0.21, 0.17, 0.15, 0.12];
  const axis = logAxis(costs);
  assert.equal(axis.lo, 0.1);
  assert.equal(axis.hi, 5);
  assert.deepEqual(axis.ticks.map(tickLabel), ["0.1", "0.2", "0.5", "1", "2", "5"]);
  const one = logAxis([0.5]); // a single value still gets an axis around it
  assert.ok(one.lo < 0.5 && one.hi > 0.5);
  const wide = logAxis([1e-5, 50]); // many decades: powers of ten only
  assert.deepEqual(wide.ticks.map(tickLabel), [
    "1e-5",
    "1e-4",
    "0.001",
    "0.01",
    "0.1",
    "1",
    "10",
    "100",
  ]);
});

test("the first high cost does not squash the rest against the floor", () => {
  const costs = [3.1, 0.2, 0.18, 0.15, 0.12, 0.1];
  const axis = logAxis(costs);
  const [top, bottom] = [0, 200];
  const ys = costs.slice(1).map((c) => logY(axis, c, top, bottom));
  const spread = (Math.max(...ys) - Math.min(...ys)) / (bottom - top);
  const linear = (0.2 - 0.1) / 3.1; // what a 0-to-3.1 linear axis would give them
  assert.ok(spread > 4 * linear, `spread ${spread}`);
  for (const c of costs) {
    const y = logY(axis, c, top, bottom);
    assert.ok(y >= top && y <= bottom);
  }
  assert.equal(logY(axis, 0, top, bottom), bottom); // a zero cost sits on the floor, no NaN
});

test("epoch ticks: every epoch for short runs, at most 10 labels for long ones", () => {
  assert.deepEqual(epochTicks(3), [0, 1, 2, 3]);
  assert.deepEqual(epochTicks(40), [0, 5, 10, 15, 20, 25, 30, 35, 40]);
  assert.ok(epochTicks(100).length <= 11);
});

test("the legend sits above the plot, wrapping on a narrow chart, never inside it", () => {
  const measure = (text) => 7 * text.length;
  const items = ["mini-batch cost (mean since the last point, log scale)", "validation accuracy"];
  for (const width of [1200, 500, 320]) {
    const { plot, legend } = chartLayout(width, 300, items, measure);
    assert.equal(legend.length, 2);
    for (const item of legend) assert.ok(item.y + 9 <= plot.top, `${width}: ${item.y}`);
    for (const item of legend) assert.ok(item.x >= plot.left);
    if (legend[0].y === legend[1].y) assert.ok(legend[0].x + legend[0].width < legend[1].x);
    assert.ok(plot.bottom - plot.top > 150);
  }
  const narrow = chartLayout(320, 300, items, measure);
  assert.ok(narrow.legend[1].y > narrow.legend[0].y); // wrapped to a second row
});
