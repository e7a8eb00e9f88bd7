// The charts' arithmetic: axes from scale.js (labels distinct, y running upwards), the legend's
// place, the series palette.

import assert from "node:assert/strict";
import { test } from "node:test";

import { SERIES, axis, chartLayout, scaleFor } from "../../src/digitnet/web/static/js/chart.js";

test("an empty chart has no axis to make up (no 1.0e-9)", () => {
  assert.equal(scaleFor([], 200, 0), null);
  assert.equal(scaleFor([NaN, Infinity], 200, 0, { log: true }), null);
});

test("every axis: distinct labels, y upwards, the data inside, for tiny to huge values", () => {
  const cases = [
    [0.0021, 0.0034],
    [0.00088, 0.0009, 0.00093],
    [-3e-3, -2e-3],
    [0.3, 0.3],
    [0],
    [-12, 48000],
    [2e9, 7e9],
    [1e-7, 2e-7],
  ];
  for (const values of cases) {
    for (const log of [false, true]) {
      if (log && Math.min(...values) <= 0) continue;
      const y = scaleFor(values, 300, 20, { log, pad: 0.05 });
      const ticks = axis(y).filter((t) => t.label);
      const labels = ticks.map((t) => t.label);
      assert.ok(ticks.length >= 2, `${values} ${log}: ${labels}`);
      assert.equal(new Set(labels).size, labels.length, `${values} ${log}: ${labels}`);
      for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i].at < ticks[i - 1].at); // upwards
      for (const v of values) assert.ok(y(v) <= 300 && y(v) >= 20, `${v} in ${y.domain}`);
      for (const label of labels) assert.ok(!label.includes("-"), label); // the real minus
    }
  }
});

test("a log axis over many decades labels powers of ten alike; the floor takes zeros", () => {
  const wide = axis(scaleFor([3e-6, 20], 400, 0, { log: true })).filter((t) => t.label);
  assert.deepEqual(
    wide.map((t) => t.label),
    ["1e−5", "1e−4", "1e−3", "1e−2", "1e−1", "1", "1e1"],
  );
  const y = scaleFor([0, 1e-9, 3e-4, 0.5], 400, 0, { log: true });
  const labels = axis(y).filter((t) => t.label);
  assert.ok(
    labels.every((t) => /^1(e−\d+)?$|^0\.0*1$/.test(t.label)),
    labels.map((t) => t.label),
  );
  assert.ok(Number.isFinite(y(1e-12)));
});

test("a short axis still gets two labels; a cosine axis is not widened to ±2", () => {
  for (const [lo, hi] of [
    [0.1, 1.7],
    [0.95, 1.05],
    [2.3, 17],
  ]) {
    for (const log of [false, true]) {
      const y = scaleFor([lo, hi], 100, 0, { log, nice: false });
      assert.ok(axis(y).filter((t) => t.label).length >= 2, `${lo}–${hi} ${log}`);
    }
  }
  const cosine = scaleFor([], 100, 0, { domain: [0, 1], pad: 0.05, nice: false });
  assert.deepEqual(
    cosine.domain.map((v) => Math.round(v * 100)),
    [-5, 105],
  );
});

test("a scale may carry its own tick count and label format", () => {
  const x = scaleFor([0, 3], 0, 600, { nice: false });
  x.axis = { count: 3 };
  assert.deepEqual(
    axis(x).map((t) => t.label),
    ["0", "1", "2", "3"],
  );
  const acc = scaleFor([0.91, 0.97], 200, 0);
  acc.axis = { spec: "%" };
  assert.deepEqual(
    axis(acc)
      .map((t) => t.label)
      .slice(0, 2),
    ["91%", "92%"],
  );
});

test("the series palette: eight distinct colours", () => {
  assert.equal(new Set(SERIES).size, 8);
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
