// The page's number format, held equal to d3-format over many numbers and specifiers, and the
// page's kinds of number (one function per kind).

import assert from "node:assert/strict";
import { test } from "node:test";

import * as d3 from "d3-format";

import {
  change,
  count,
  counted,
  format,
  percent,
  precisionFixed,
  precisionRound,
  value,
} from "../../src/digitnet/web/static/js/format.js";
import { signed } from "../../src/digitnet/web/static/js/chapters.js";
import { seeded } from "./tiny.js";

// numbers of every size and sign: tiny, huge, negative, round, exactly zero, −0, ties
function numbers() {
  const random = seeded(11);
  const out = [0, -0, 1, -1, 0.5, 0.05, 0.0021, 0.0034, 1e-7, 2.5e-12, 123456789, 1e21, 0.125];
  out.push(9.995, 0.99995, -0.0004999, 1234.5, -98765.4321, 1e-300, 3e15, NaN, Infinity);
  for (let i = 0; i < 400; i++) {
    const magnitude = 10 ** (30 * random() - 15);
    out.push((random() < 0.5 ? -1 : 1) * magnitude * random());
  }
  return out;
}

const SPECS = [""];
for (const type of ["", "d", "e", "f", "g", "r", "%"])
  for (const precision of ["", ".0", ".1", ".3", ".6", ".12"])
    for (const extra of ["", "~", ","])
      for (const sign of ["", "+", " ", "("])
        if (!(type === "d" && precision))
          SPECS.push(
            `${sign}${extra === "," ? "," : ""}${precision}${extra === "~" ? "~" : ""}${type}`,
          );

test("format(spec) writes every number as d3-format does", () => {
  let compared = 0;
  for (const spec of SPECS) {
    const ours = format(spec);
    const theirs = d3.format(spec);
    for (const v of numbers()) {
      assert.equal(ours(v), theirs(v), `${spec} of ${v}`);
      compared += 1;
    }
  }
  assert.ok(compared > 100000, `${compared}`);
});

test("the precisions for ticks a step apart are d3-format's", () => {
  const random = seeded(3);
  for (let i = 0; i < 500; i++) {
    const step = 10 ** (20 * random() - 10) * random();
    const max = i < 5 ? [step, 0, Infinity, NaN, -step][i] : step * (1 + 1000 * random());
    const s = i === 7 ? 0 : step;
    assert.equal(precisionFixed(s), d3.precisionFixed(s), `${s}`);
    assert.equal(precisionRound(step, max), d3.precisionRound(step, max), `${step} ${max}`);
  }
});

test("the page's kinds: a fixed number of significant digits each, the real minus sign", () => {
  assert.equal(value(0.30137123), "0.3014");
  assert.equal(value(2.1e-7), "2.100e−7");
  assert.equal(value(0.5), "0.5000");
  assert.equal(value(null), "—");
  assert.equal(change(-0.0123456), "−0.0123");
  assert.equal(change(1.5e-9), "+1.50e−9");
  assert.equal(change(0.2), "+0.200");
  assert.equal(percent(0.97512), "97.5%");
  assert.equal(count(12544), "12,544");
  assert.equal(value(1e21), "1.000e21");
  for (const text of [value(-3), change(-3), percent(-0.5), value(-4e-20)])
    assert.ok(!text.includes("-"), text);
});

// The digits a formatted number shows: "+0.0000500" → "500", "−1.20e−7" → "120".
const digitsOf = (text) =>
  text
    .split("e")[0]
    .replace(/[^0-9]/g, "")
    .replace(/^0+/, "");

test("a list of one kind never mixes digit counts: +0.0000564 beside +0.0000500, not +0.00005", () => {
  // the Gradient descent view's largest components, a gradient's tail, costs and round numbers
  const lists = [
    [change, [5.64e-5, 5e-5, 4.07e-5, -3e-5, 0.2, -1, 1.5e-9, 123.4]],
    [value, [0.30137123, 0.5, 2, 2.1e-7, 1e21, 1234.5]],
  ];
  for (const [kind, numbers] of lists) {
    const shown = numbers.map(kind);
    const counts = new Set(shown.map((t) => digitsOf(t).length));
    assert.equal(counts.size, 1, shown.join(", "));
    assert.equal(kind(5e-5), kind === change ? "+0.0000500" : "0.00005000");
  }
});

test("counted: a count with its noun in the singular only for 1", () => {
  assert.equal(counted(1, "epoch"), "1 epoch");
  assert.equal(counted(0, "pixel"), "0 pixels");
  assert.equal(counted(2, "step"), "2 steps");
  assert.equal(counted(30000, "step"), "30,000 steps");
});

test("a signed change of exactly zero reads 0, with no sign, whichever zero it is", () => {
  assert.equal(signed(0, 2), "0");
  assert.equal(signed(-0, 2), "0");
  assert.equal(signed(-1e-20, 2), "−1.0e−20"); // tiny is not zero
  assert.equal(signed(0.5, 2), "+0.50");
  assert.equal(signed(-0.25), "−0.250");
});
