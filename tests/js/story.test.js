// The story's own arithmetic: the chain of one neuron per layer taken from a real (tiny)
// network, every derivative of its tree as the product of the factors along its path, the
// neurons a wide layer shows, and the forward pass's pace.

import assert from "node:assert/strict";
import { test } from "node:test";

import { backprop } from "../../src/digitnet/web/static/js/backprop-math.js";
import { chainFactors, strongestChain } from "../../src/digitnet/web/static/js/story-calculus.js";
import { largest } from "../../src/digitnet/web/static/js/story-picture.js";
import { layerDuration } from "../../src/digitnet/web/static/js/story-network.js";
import { tinyModel } from "./tiny.js";

const close = (a, b, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test("the chain follows the strongest signal back from the label, with the real weights", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic");
  const result = backprop(model, x, 2);
  const { links, neurons, chain, biases } = strongestChain(model, result, 2);
  assert.equal(links, 3);
  assert.deepEqual(neurons.at(-1), [3, 2]);
  for (let i = 1; i < neurons.length; i++) {
    const [l, j] = neurons[i];
    const k = neurons[i - 1][1];
    const signal = (m) =>
      Math.abs(model.weights[l - 1][j * model.sizes[l - 1] + m] * result.activations[l - 1][m]);
    for (let m = 0; m < model.sizes[l - 1]; m++) assert.ok(signal(k) >= signal(m));
    close(chain.factors[i - 1].w, model.weights[l - 1][j * model.sizes[l - 1] + k]);
    close(biases[i - 1], model.biases[l - 1][j]);
  }
  close(chain.a.at(-1), 1 / (1 + Math.exp(-chain.z.at(-1))));
});

test("on a ReLU network the chain takes the strongest path whose every ReLU lets a nudge by", () => {
  // Hidden neuron 0 is the output's strongest signal (1 × 1 against 0.5 × 0.6), but alone on
  // its chain, 2 × 1 − 3 < 0: its ReLU is shut. Hidden neuron 1's chain (0.5 × 1 + 0) is open.
  const model = {
    sizes: [2, 2, 2],
    activation: "relu",
    cost: "quadratic",
    weights: [Float64Array.from([2, 2, 0.5, 0.1]), Float64Array.from([1, 0.5, 0.3, 0.2])],
    biases: [Float64Array.from([-3, 0]), Float64Array.from([0, 0])],
  };
  const result = backprop(model, Float64Array.from([1, 1]), 0);
  const { neurons, chain } = strongestChain(model, result, 0);
  assert.deepEqual(neurons, [
    [0, 0],
    [1, 1],
    [2, 0],
  ]);
  assert.ok(chain.factors.every((f) => f.sigma_prime > 0) && chain.dC_dw[0] !== 0);
  model.biases[0][1] = -1; // now every chain is shut: the strongest is shown all the same
  const shut = strongestChain(model, backprop(model, Float64Array.from([1, 1]), 0), 0);
  assert.deepEqual(shut.neurons.slice(1), [
    [1, 0],
    [2, 0],
  ]);
});

test("every derivative of the tree is the product of its path's factors, as measured", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 3);
  const { chain } = strongestChain(model, backprop(model, x, 0), 0);
  const product = (node) => chainFactors(chain, 3, node).reduce((p, f) => p * f.value, 1);
  for (let l = 1; l <= 3; l++) {
    close(product(`w${l}`), chain.dC_dw[l - 1]);
    close(product(`b${l}`), chain.dC_db[l - 1]);
    close(product(`w${l}`), chain.finite_difference.dC_dw[l - 1], 1e-5);
  }
  close(product("a0"), chain.dC_dx);
  close(product("a1"), chain.dC_da[0]);
  close(product("a2"), chain.dC_da[1]);
  // the path climbs to C one edge at a time: w¹ → z¹ → a¹ → z² → a² → z³ → a³ → C
  const edges = chainFactors(chain, 3, "w1").map((f) => f.edge.join(">"));
  assert.deepEqual(edges, ["w1>z1", "z1>a1", "a1>z2", "z2>a2", "a2>z3", "z3>a3", "a3>C"]);
});

test("a wide layer shows its largest neurons, in order, and always the ones asked for", () => {
  const values = Float64Array.from([0.1, -5, 3, 0, 2, -0.5]);
  assert.deepEqual(largest(values, 3), [1, 2, 4]);
  assert.deepEqual(largest(values, 3, [0]), [0, 1, 2]);
  assert.deepEqual(largest(values, 10), [0, 1, 2, 3, 4, 5]);
});

test("the forward pass lights each layer in 300–500 ms, within 2 s in all", () => {
  for (let layers = 2; layers <= 6; layers++) {
    const d = layerDuration(layers);
    assert.ok(d >= 300 && d <= 750 && d * layers <= 2000, `${layers} layers: ${d} ms`);
  }
});
