// gradient-math.js: shares counted by hand, ranks sorted, the slice's start and its tangent.

import { test } from "node:test";
import assert from "node:assert/strict";
import { backprop, exampleCost, takeStep } from "../../src/digitnet/web/static/js/backprop-math.js";
import {
  downhillSteps,
  gradientNorm,
  lineSlice,
  moveAlong,
  overshoot,
  rankedMagnitudes,
  shares,
  sliceCost,
} from "../../src/digitnet/web/static/js/gradient-math.js";
import { tinyModel } from "./tiny.js";

test("shares: the top 1% and 10% of each layer's |g|, at least one component each", () => {
  // layer 1: 20 components, one of size 10 and 19 of size 1 (top 1% = 1, top 10% = 2)
  const w1 = [10, ...Array(17).fill(1)];
  const b1 = [1, -1];
  // layer 2: four components, two zero
  const w2 = [0, -3];
  const b2 = [1, 0];
  const [one, two, all] = shares([w1, w2], [b1, b2]);
  assert.equal(one.n, 20);
  assert.equal(one.top1, 10 / 29);
  assert.equal(one.top10, 11 / 29);
  assert.equal(one.top1_sq, 100 / 119);
  assert.equal(two.top1, 3 / 4);
  assert.equal(two.zero_fraction, 0.5);
  assert.equal(all.layer, "all");
  assert.equal(all.n, 24);
  assert.equal(all.top10, (10 + 3 + 1) / 33); // ceil(2.4) = 3 components
});

test("ranked magnitudes are every |component|, largest first", () => {
  const r = rankedMagnitudes([[1, -5], [2]], [[0.5], [-3]]);
  assert.deepEqual(Array.from(r), [5, 3, 2, 1, 0.5]);
  assert.equal(gradientNorm([[3]], [[4]]), 5);
});

test("the slice starts at C(θ), falls with slope −‖∇C‖², and at t = η is the step's cost", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 8);
  const r = backprop(model, x, 1);
  const line = lineSlice(model, x, 1, r, 2, 21);
  assert.equal(line.t.length, 21);
  assert.equal(line.cost[0], r.cost);
  const h = 1e-6;
  const nearby = lineSlice(model, x, 1, r, h, 2).cost[1];
  assert.ok(Math.abs((nearby - r.cost) / h - line.slope) < 1e-5);
  assert.ok(line.slope < 0);
  const stepped = backprop(takeStep(model, r, 2), x, 1).cost;
  assert.ok(Math.abs(line.cost[20] - stepped) < 1e-15);
  assert.equal(moveAlong(model, r, 0).weights[0][3], model.weights[0][3]);
});

test("the slice's shortcut through the first layer equals moving every weight", () => {
  for (const [sizes, activation, cost] of [
    [[6, 5, 4, 3], "relu", "cross-entropy"],
    [[6, 3], "sigmoid", "quadratic"],
    [[6, 3], "sigmoid", "cross-entropy"],
  ]) {
    const { model, x } = tinyModel(sizes, activation, cost, 12);
    const r = backprop(model, x, 2);
    const line = lineSlice(model, x, 2, r, 3, 7);
    line.t.forEach((t, i) => {
      const naive = exampleCost(moveAlong(model, r, t), x, 2);
      assert.ok(Math.abs(line.cost[i] - naive) < 1e-12, `${sizes} t=${t}`);
    });
  }
});

test("overshoot: a step that raises the cost, and the step sizes under which it falls", () => {
  const line = { t: [0, 1, 2, 3, 4], cost: [1, 0.6, 0.5, 0.9, 1.3] };
  const far = overshoot(line, 4, 1.3);
  assert.equal(far.raises, true);
  assert.ok(Math.abs(far.below - 3.25) < 1e-12); // 0.9 → 1.3 crosses 1 a quarter of the way
  assert.equal(far.lowest, 2);
  assert.equal(overshoot(line, 2, 0.5).raises, false);
  const steep = overshoot({ t: [0, 1, 2], cost: [1, 1.5, 3] }, 2, 3);
  assert.equal(steep.below, 1);
  assert.equal(overshoot({ t: [0, 1], cost: [1, 0.5] }, 1, 0.5).below, null);
});

test("downhillSteps: a step past the valley halves η until every step goes downhill", () => {
  const f = (t) => (t - 0.2) ** 2 + 0.01; // f′(0) = −0.4, the valley at t = 0.2
  const walk = downhillSteps(f, -0.4, 3);
  assert.deepEqual(walk.overshot, { t: 3, cost: f(3) });
  assert.ok(walk.downhill && walk.eta < 3);
  for (let n = 1; n < walk.ts.length; n++) {
    assert.ok(walk.ts[n] > walk.ts[n - 1] && walk.ts[n] <= 0.2 + 1e-9, walk.ts);
    assert.ok(walk.costs[n] < walk.costs[n - 1]);
    assert.equal(walk.costs[n], f(walk.ts[n]));
  }
  const gentle = downhillSteps((t) => Math.exp(-t), -1, 0.5); // no valley to pass
  assert.equal(gentle.overshot, null);
  assert.equal(gentle.eta, 0.5);
  assert.equal(gentle.ts[1], 0.5);
});

test("sliceCost is lineSlice's cost at any t", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "relu", "cross_entropy", 5);
  const r = backprop(model, x, 1);
  const line = lineSlice(model, x, 1, r, 2, 5);
  const f = sliceCost(model, x, 1, r);
  line.t.forEach((t, i) => assert.equal(f(t), line.cost[i]));
});
