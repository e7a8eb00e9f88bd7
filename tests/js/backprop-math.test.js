// backprop-math.js: its gradient against central finite differences on tiny seeded networks,
// for every activation × cost; the contributions add up to the nudges; a small step lowers C.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  backprop,
  costName,
  exampleCost,
  largestComponents,
  takeStep,
} from "../../src/digitnet/web/static/js/backprop-math.js";
import { tinyModel } from "./tiny.js";

const EPS = 1e-6;
const KINDS = [
  ["sigmoid", "quadratic"],
  ["sigmoid", "cross-entropy"],
  ["relu", "quadratic"],
  ["relu", "cross-entropy"],
];

function nudged(model, list, l, i, d) {
  const copy = model[list].map((v) => Float64Array.from(v));
  copy[l][i] += d;
  return { ...model, [list]: copy };
}

for (const [activation, kind] of KINDS) {
  test(`the gradient matches finite differences (${activation}, ${kind})`, () => {
    const { model, x } = tinyModel([6, 5, 4, 3], activation, kind, 7);
    const label = 2;
    const r = backprop(model, x, label);
    let worst = 0;
    for (const list of ["weights", "biases"]) {
      model[list].forEach((values, l) => {
        for (let i = 0; i < values.length; i++) {
          const up = exampleCost(nudged(model, list, l, i, EPS), x, label);
          const down = exampleCost(nudged(model, list, l, i, -EPS), x, label);
          const exact = list === "weights" ? r.grad_weights[l][i] : r.grad_biases[l][i];
          worst = Math.max(worst, Math.abs((up - down) / (2 * EPS) - exact));
        }
      });
    }
    assert.ok(worst < 1e-7, `largest gap ${worst}`);
    assert.equal(r.cost, exampleCost(model, x, label));
  });
}

test("each hidden neuron's contributions add up to its nudge", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 3);
  const r = backprop(model, x, 0);
  const n = r.nudges;
  r.contributions.forEach((rows, i) => {
    // rows: layer i + 2's wishes for layer i + 1, whose nudges are n[i]
    for (let k = 0; k < model.sizes[i + 1]; k++) {
      const total = rows.reduce((s, row) => s + row[k], 0);
      assert.ok(Math.abs(-total - n[i][k]) < 1e-15);
    }
  });
  assert.equal(r.contributions.length, 2);
  assert.equal(r.contributions[1].length, 3); // the three outputs' wishes for layer 3
});

test("the quadratic cost is the sum of (aⱼ − yⱼ)² and its output nudges are −2(aⱼ − yⱼ)", () => {
  const { model, x } = tinyModel([4, 3, 3], "sigmoid", "quadratic", 5);
  const r = backprop(model, x, 1);
  const a = r.activations[2];
  const expected = [a[0] ** 2, (a[1] - 1) ** 2, a[2] ** 2];
  expected.forEach((v, j) => assert.ok(Math.abs(r.cost_terms[j] - v) < 1e-15));
  assert.ok(Math.abs(r.cost - expected.reduce((s, v) => s + v)) < 1e-15);
  r.nudges[1].forEach((v, j) => assert.ok(Math.abs(v + 2 * (a[j] - (j === 1))) < 1e-15));
  assert.match(costName(model), /Σⱼ \(aⱼ − yⱼ\)²/);
});

test("one small step down the gradient lowers this example's cost and raises its label", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 11);
  const r = backprop(model, x, 2);
  const after = backprop(takeStep(model, r, 0.5), x, 2);
  assert.ok(after.cost < r.cost);
  assert.ok(after.activations[3][2] > r.activations[3][2]);
  assert.equal(
    model.weights[0][0],
    tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 11).model.weights[0][0],
  );
});

test("the largest components come first and name their place", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 2);
  const r = backprop(model, x, 1);
  const top = largestComponents(r.grad_weights, r.grad_biases, model.sizes, 5);
  assert.equal(top.length, 5);
  for (let i = 1; i < top.length; i++)
    assert.ok(Math.abs(top[i - 1].value) >= Math.abs(top[i].value));
  const all = [...r.grad_weights.flatMap((g) => [...g]), ...r.deltas.flatMap((d) => [...d])];
  assert.equal(Math.abs(top[0].value), Math.max(...all.map(Math.abs)));
  const t = top.find((p) => p.kind === "weight");
  assert.equal(r.grad_weights[t.layer - 1][t.to * model.sizes[t.layer - 1] + t.from], t.value);
});
