// The page's forward pass and weight decoding, against numbers worked out by hand.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  countParams,
  argmax,
  decodeFloats,
  decodeModel,
  forward,
} from "../../src/digitnet/web/static/js/network.js";

const base64 = (array) => Buffer.from(array.buffer).toString("base64");
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

test("weights decode exactly, float32 and float64", () => {
  const w32 = Float32Array.from([0.1, -2.5, 3e-8, 1e30]);
  assert.deepEqual(decodeFloats(base64(w32)), w32);
  const w64 = Float64Array.from([0.1, -2.5, Math.PI, 1e-300]);
  assert.deepEqual(decodeFloats(base64(w64), "float64"), w64);
  const model = decodeModel({ dtype: "float64", weights: [base64(w64)], biases: [base64(w64)] });
  assert.ok(model.weights[0] instanceof Float64Array && model.biases[0] instanceof Float64Array);
});

// A 2-2-1 sigmoid network: W¹ = [[1, −1], [0.5, 0.5]], b¹ = 0; W² = [[2, −2]], b² = 0.25.
// x = (1, 1): z¹ = (0, 1), a¹ = (½, σ(1)); z² = 2·½ − 2σ(1) + 0.25, a² = σ(z²).
const tiny = {
  sizes: [2, 2, 1],
  activation: "sigmoid",
  cost: "quadratic",
  weights: [Float64Array.from([1, -1, 0.5, 0.5]), Float64Array.from([2, -2])],
  biases: [Float64Array.from([0, 0]), Float64Array.from([0.25])],
};

test("the forward pass is a' = σ(W a + b), layer by layer", () => {
  const [a1, a2] = forward(tiny, [1, 1]);
  assert.equal(a1[0], 0.5);
  assert.ok(Math.abs(a1[1] - sigmoid(1)) < 1e-15);
  assert.ok(Math.abs(a2[0] - sigmoid(1 - 2 * sigmoid(1) + 0.25)) < 1e-15);
});

test("sigmoid stays finite for huge inputs", () => {
  const huge = { ...tiny, biases: [Float64Array.from([1000, -1000]), Float64Array.from([0])] };
  const [a1] = forward(huge, [0, 0]);
  assert.deepEqual(Array.from(a1), [1, 0]);
});

test("ReLU hidden layers and a softmax output for cross-entropy", () => {
  const net = { ...tiny, sizes: [2, 2, 2], activation: "relu", cost: "cross-entropy" };
  net.weights = [tiny.weights[0], Float64Array.from([1, 0, 0, 1])];
  net.biases = [tiny.biases[0], Float64Array.from([0, 0])];
  const [a1, a2] = forward(net, [1, 3]); // z¹ = (−2, 2) → a¹ = (0, 2); softmax(0, 2)
  assert.deepEqual(Array.from(a1), [0, 2]);
  const e2 = Math.exp(2);
  assert.ok(Math.abs(a2[0] - 1 / (1 + e2)) < 1e-15 && Math.abs(a2[1] - e2 / (1 + e2)) < 1e-15);
});

test("argmax picks the first of equal largest values", () => {
  assert.equal(argmax([0.1, 0.7, 0.7, 0.2]), 1);
  assert.equal(argmax(Float32Array.from([3])), 0);
});

test("a network's weights and biases are counted from its sizes", () => {
  assert.equal(countParams([784, 16, 16, 10]), 13002); // the video's
  assert.equal(countParams([784, 300, 100, 10]), 266610);
  assert.equal(countParams([784]), 0);
});
