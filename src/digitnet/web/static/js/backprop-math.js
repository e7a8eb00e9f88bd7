// One example's backpropagation in the page, the same equations as network.py, in float64 from
// the model's own weights: every zˡ and aˡ, the cost term by term, each layer's nudges −∂C/∂aˡ,
// each hidden neuron's wish split into the contributions of the neurons it feeds, and ∇C.
// No DOM here: node --test runs it, and a pytest compares it with Python's numbers.

import { DIGITS } from "./constants.js";

/** The model's cost convention, in words, for every view to name. */
export function costName(model) {
  return model.cost === "cross-entropy"
    ? "cross-entropy C = −Σⱼ yⱼ ln aⱼ on softmax outputs"
    : "quadratic C = Σⱼ (aⱼ − yⱼ)², the video's cost (no ½)";
}

const isSigmoid = (model) => model.activation !== "relu";

// σ(z) = ½ + ½·tanh(z/2), as functions.sigmoid: never overflows
export const logistic = (z) => 0.5 + 0.5 * Math.tanh(z / 2);

/** σ′(z) for a hidden layer, given z and a = σ(z): a − a² (sigmoid) or [z > 0] (ReLU). */
export function hiddenPrime(model, z, a) {
  return isSigmoid(model) ? a - a * a : z > 0 ? 1 : 0;
}

/** The wanted outputs y for a label: 1 for the right digit, 0 elsewhere. */
export function oneHot(label, n = DIGITS) {
  const y = new Float64Array(n);
  y[label] = 1;
  return y;
}

/** Every zˡ and aˡ (a⁰ = x included) for one input, in float64. */
export function forwardAll(model, x) {
  const { sizes } = model;
  const last = sizes.length - 2;
  const zs = [];
  const activations = [Float64Array.from(x)];
  for (let l = 0; l <= last; l++) {
    const W = model.weights[l];
    const b = model.biases[l];
    const nIn = sizes[l];
    const prev = activations[l];
    const z = new Float64Array(sizes[l + 1]);
    for (let j = 0; j < z.length; j++) {
      let s = b[j]; // zⱼ = Σₖ wⱼₖ aₖ + bⱼ
      for (let k = 0, row = j * nIn; k < nIn; k++) s += W[row + k] * prev[k];
      z[j] = s;
    }
    let a;
    if (l < last && !isSigmoid(model)) a = z.map((v) => Math.max(v, 0));
    else if (l === last && model.cost === "cross-entropy") a = softmax64(z);
    else a = z.map(logistic);
    zs.push(z);
    activations.push(a);
  }
  return { zs, activations };
}

function softmax64(z) {
  let top = -Infinity;
  for (const v of z) top = Math.max(top, v);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}

/** Cₓ term by term for the outputs a and the wanted outputs y; their sum is the cost. */
export function costTerms(model, a, y) {
  if (model.cost === "cross-entropy") {
    return a.map((v, j) => (y[j] ? -y[j] * Math.log(Math.max(v, Number.MIN_VALUE)) : 0));
  }
  return a.map((v, j) => (v - y[j]) ** 2); // (aⱼ − yⱼ)²
}

/** The cost of one example from the output layer's z: its squashing, then Σ of the terms. */
export function outputCost(model, z, label) {
  const a = model.cost === "cross-entropy" ? softmax64(z) : z.map(logistic);
  return costTerms(model, a, oneHot(label, a.length)).reduce((s, v) => s + v, 0);
}

/** The cost of one example: Σ of its terms. */
export function exampleCost(model, x, label) {
  const { activations } = forwardAll(model, x);
  const a = activations[activations.length - 1];
  return costTerms(model, a, oneHot(label, a.length)).reduce((s, v) => s + v, 0);
}

/**
 * Backpropagation for one example (x: sizes[0] inputs in [0, 1], label: its digit), with the
 * names and layer numbers of POST /api/backprop (layer 0 is the input; lists "per non-input
 * layer" start with layer 1):
 *  activations   [a⁰, a¹, …, aᴸ]; zs [z¹, …, zᴸ]; target y
 *  cost_terms    (aⱼ − yⱼ)² or −yⱼ ln aⱼ per output; cost, their sum
 *  dC_da, nudges ∂C/∂aˡ and −∂C/∂aˡ per non-input layer
 *  deltas        δˡ = ∂C/∂zˡ = ∂C/∂bˡ per non-input layer (also as grad_biases)
 *  grad_weights  ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ per non-input layer, row-major (n_l × n_{l−1})
 *  contributions per hidden layer l = 1…L−1: [j][k] = wⱼₖ δⱼ = wⱼₖ σ′(zⱼ) ∂C/∂aⱼ over layer
 *                l + 1's neurons j; Σⱼ gives ∂C/∂aₖ of layer l
 */
export function backprop(model, x, label) {
  const { sizes } = model;
  const L = sizes.length - 1; // non-input layers
  const { zs, activations } = forwardAll(model, x);
  const a = activations[L];
  const y = oneHot(label, a.length);
  const terms = costTerms(model, a, y);
  const dC_da = new Array(L);
  const deltas = new Array(L);
  const contributions = new Array(L - 1);
  if (model.cost === "cross-entropy") {
    dC_da[L - 1] = a.map((v, j) => (y[j] ? -y[j] / Math.max(v, Number.MIN_VALUE) : 0)); // −y/a
    deltas[L - 1] = a.map((v, j) => v - y[j]); // δᴸ = a − y: softmax's Jacobian and 1/a cancel
  } else {
    dC_da[L - 1] = a.map((v, j) => 2 * (v - y[j])); // ∂C/∂aᴸ = 2(aᴸ − y)
    deltas[L - 1] = a.map((v, j) => v * (1 - v) * dC_da[L - 1][j]); // δᴸ = σ′(zᴸ) ∂C/∂aᴸ
  }
  for (let l = L - 1; l >= 1; l--) {
    const W = model.weights[l]; // into layer l + 1
    const nIn = sizes[l];
    const delta = deltas[l];
    const rows = [];
    const back = new Float64Array(nIn);
    for (let j = 0; j < delta.length; j++) {
      const row = new Float64Array(nIn);
      for (let k = 0; k < nIn; k++) {
        row[k] = W[j * nIn + k] * delta[j]; // wⱼₖ σ′(zⱼ) ∂C/∂aⱼ: neuron j's wish for aₖ
        back[k] += row[k];
      }
      rows.push(row);
    }
    contributions[l - 1] = rows;
    dC_da[l - 1] = back; // ∂C/∂aₖ = Σⱼ wⱼₖ δⱼ, summed over every neuron k feeds
    deltas[l - 1] = back.map((v, k) => v * hiddenPrime(model, zs[l - 1][k], activations[l][k]));
  }
  const gradWeights = deltas.map((delta, i) => {
    const prev = activations[i];
    const g = new Float64Array(delta.length * prev.length);
    for (let j = 0; j < delta.length; j++) {
      for (let k = 0; k < prev.length; k++) g[j * prev.length + k] = delta[j] * prev[k];
    }
    return g; // ∂C/∂wⱼₖ = δⱼ aₖ
  });
  return {
    activations,
    zs,
    target: y,
    cost_terms: terms,
    cost: terms.reduce((s, v) => s + v, 0),
    dC_da,
    nudges: dC_da.map((g) => g.map((v) => -v)),
    deltas,
    grad_biases: deltas,
    grad_weights: gradWeights,
    contributions,
  };
}

/** A copy of the model after one gradient step θ ← θ − η ∇C, weights and biases in float64. */
export function takeStep(model, result, eta) {
  const weights = model.weights.map((W, l) =>
    Float64Array.from(W, (w, i) => w - eta * result.grad_weights[l][i]),
  );
  const biases = model.biases.map((b, l) =>
    Float64Array.from(b, (v, j) => v - eta * result.deltas[l][j]),
  );
  return { ...model, dtype: "float64", weights, biases };
}

/**
 * The parameters with the largest |∂C/∂θ|, sorted by size: [{kind: "weight", layer, to, from,
 * value} | {kind: "bias", layer, to, value}], a weight or bias of layer l feeding layer l.
 * gradWeights, gradBiases: per non-input layer, as backprop's grad_weights and grad_biases.
 */
export function largestComponents(gradWeights, gradBiases, sizes, count) {
  // the flat indices (all weights, then all biases, as Network.params) of the `count` largest
  // |values|, ties in index order, kept in one pass (a network has up to millions)
  const flat = [...gradWeights, ...gradBiases];
  const order = []; // flat indices, largest |value| first
  const values = [];
  let at = 0;
  for (const a of flat) {
    for (let k = 0; k < a.length; k++, at++) {
      const m = Math.abs(a[k]);
      if (order.length === count && m <= Math.abs(values[order.length - 1])) continue;
      let i = Math.min(order.length, count - 1);
      while (i > 0 && Math.abs(values[i - 1]) < m) i--;
      order.splice(i, 0, at);
      values.splice(i, 0, a[k]);
      if (order.length > count) {
        order.pop();
        values.pop();
      }
    }
  }
  const found = [];
  for (const [n, index] of order.entries()) {
    let rest = index;
    let i = 0;
    while (i < gradWeights.length && rest >= gradWeights[i].length) rest -= gradWeights[i++].length;
    if (i < gradWeights.length) {
      const nIn = sizes[i];
      found.push({
        kind: "weight",
        layer: i + 1,
        to: Math.floor(rest / nIn),
        from: rest % nIn,
        value: values[n],
      });
    } else {
      let b = 0;
      while (rest >= gradBiases[b].length) rest -= gradBiases[b++].length;
      found.push({ kind: "bias", layer: b + 1, to: rest, value: values[n] });
    }
  }
  return found;
}
