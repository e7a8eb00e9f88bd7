// The page's scales, held equal to d3-scale: nice domains, ticks and tick labels over many
// domains (tiny, huge, negative, spanning zero, reversed, log over many decades).

import assert from "node:assert/strict";
import { test } from "node:test";

import { scaleLinear, scaleLog } from "d3-scale";

import { axisTicks, linearScale, logScale } from "../../src/digitnet/web/static/js/scale.js";
import { seeded } from "./tiny.js";

const COUNTS = [2, 3, 5, 6, 10];
const LINEAR_SPECS = [undefined, ",f", "~g", ".2~e", "r", "%", "+,f"];

function linearDomains() {
  const random = seeded(5);
  const out = [
    [0.0021, 0.0034],
    [0, 1],
    [-1, 1],
    [-0.37, 12.2],
    [3e7, 9.1e9],
    [-5e-9, -1e-9],
    [1, 1.0001],
    [12, 3],
    [-250, 1e4],
    [0.1 + 0.2, 0.7],
    [2, 2],
  ];
  for (let i = 0; i < 300; i++) {
    const scale = 10 ** (24 * random() - 12);
    const a = (random() - 0.5) * scale;
    const width = scale * random() * (random() < 0.2 ? 1e-3 : 1);
    out.push(random() < 0.15 ? [a + width, a] : [a, a + width]);
  }
  return out;
}

function logDomains() {
  const random = seeded(9);
  const out = [
    [1e-5, 50],
    [0.12, 3.1],
    [1, 13002],
    [2.3e-12, 0.4],
    [1e-300, 1e300],
    [0.5, 0.6],
    [7, 7.2],
    [50, 1e-5],
  ];
  for (let i = 0; i < 300; i++) {
    const lo = 10 ** (30 * random() - 15);
    out.push([lo, lo * 10 ** (12 * random() ** 2)]);
  }
  return out;
}

test("linear: ticks, nice domains and tick labels equal d3-scale's", () => {
  for (const domain of linearDomains()) {
    const ours = linearScale(domain, [300, 0]);
    const theirs = scaleLinear().domain(domain).range([300, 0]);
    for (const count of COUNTS) {
      const where = `${domain} count ${count}`;
      assert.deepEqual(ours.ticks(count), theirs.ticks(count), where);
      assert.deepEqual(ours.nice(count).domain, theirs.copy().nice(count).domain(), where);
      for (const spec of LINEAR_SPECS) {
        const label = ours.tickFormat(count, spec);
        const d3label = theirs.tickFormat(count, spec);
        for (const t of theirs.ticks(count)) assert.equal(label(t), d3label(t), `${where} ${spec}`);
      }
    }
    for (const v of [domain[0], domain[1], (domain[0] + domain[1]) / 2])
      assert.ok(Math.abs(ours(v) - theirs(v)) < 1e-9, `${domain} at ${v}`);
  }
});

test("log: ticks, nice domains and tick labels (blank where thinned) equal d3-scale's", () => {
  for (const domain of logDomains()) {
    const ours = logScale(domain, [0, 500]);
    const theirs = scaleLog().domain(domain).range([0, 500]);
    assert.deepEqual(ours.nice().domain, theirs.copy().nice().domain(), `${domain}`);
    for (const count of COUNTS) {
      const where = `${domain} count ${count}`;
      const ticks = theirs.ticks(count);
      assert.deepEqual(ours.ticks(count), ticks, where);
      for (const spec of ["~g", ".0e", ",", ".2~r"]) {
        const label = ours.tickFormat(count, spec);
        const d3label = theirs.tickFormat(count, spec);
        assert.deepEqual(ticks.map(label), ticks.map(d3label), `${where} ${spec}`);
      }
    }
    const mid = Math.sqrt(domain[0] * domain[1]);
    assert.ok(Math.abs(ours(mid) - theirs(mid)) < 1e-6, `${domain}`);
  }
});

test("the axes' labels never repeat: the slice at η = 20, a line chart near 9e-4", () => {
  for (const domain of [
    [0.0021, 0.0034],
    [0.00088, 0.00093],
    [-0.0031, -0.0019],
  ]) {
    for (const count of [3, 5, 8]) {
      const labels = axisTicks(linearScale(domain).nice(count), count).map((t) => t.label);
      assert.equal(new Set(labels).size, labels.length, `${domain}: ${labels}`);
      for (const label of labels) assert.ok(!label.includes("-"), label); // the real minus
    }
  }
  const log = axisTicks(logScale([2e-7, 3.4]).nice(), 6).filter((t) => t.label);
  assert.deepEqual(
    log.map((t) => t.label),
    ["1e−7", "0.000001", "0.00001", "0.0001", "0.001", "0.01", "0.1", "1", "10"],
  );
});
