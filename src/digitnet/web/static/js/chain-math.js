// The chain rule, number by number, in the page. First the story's chain of one sigmoid neuron
// per layer, a⁰ → a¹ → a² → a³ with C = (a³ − y)²; then any weight, bias or hidden activation
// of the real network: its derivative as a product of factors (a sum over paths for an
// activation) beside the ratio of nudges measured by central finite differences. No DOM here.

import { PIXELS, SIDE } from "./constants.js";
import {
  backprop,
  exampleCost,
  forwardAll,
  hiddenPrime,
  oneHot,
  costTerms,
  logistic,
} from "./backprop-math.js";

export const EPS = 1e-6; // the finite differences' nudge, as experiments/chain.py

/**
 * The one-neuron chain, as POST /api/chain: weights [w¹, w², w³], biases [b¹, b², b³], input
 * x = a⁰, target y; activation "relu" makes every link but the last a ReLU (a ReLU network's
 * hidden layers). Returns z and a (layers 1…3), cost, and for each layer l (index l − 1):
 *  dC_dw  ∂C/∂wˡ = aˡ⁻¹ · σ′(zˡ) · ∂C/∂aˡ       dC_db  ∂C/∂bˡ = 1 · σ′(zˡ) · ∂C/∂aˡ
 *  dC_da  ∂C/∂aˡ (for l = 3: 2(a³ − y)); dC_dx = ∂C/∂a⁰
 *  factors  [{layer, a_prev, sigma_prime, dC_da, w}] the products are made of
 * and finite_difference: the same derivatives measured by nudging each by ±EPS.
 */
export function oneNeuronChain({ weights, biases, x, y, activation = "sigmoid" }) {
  const result = chainExact(weights, biases, x, y, activation);
  const measure = (costWith) => (costWith(EPS) - costWith(-EPS)) / (2 * EPS);
  const moved = (list, l, d) => list.map((v, i) => (i === l ? v + d : v));
  const costOf = (w, b) => chainExact(w, b, x, y, activation).cost;
  const chainFrom = [x, ...result.a];
  result.finite_difference = {
    dC_dw: weights.map((_, l) => measure((d) => costOf(moved(weights, l, d), biases))),
    dC_db: biases.map((_, l) => measure((d) => costOf(weights, moved(biases, l, d)))),
    dC_da: weights.map((_, l) =>
      measure((d) => cutAt(weights, biases, chainFrom, l + 1, d, y, activation)),
    ),
    dC_dx: measure((d) => cutAt(weights, biases, chainFrom, 0, d, y, activation)),
    eps: EPS,
  };
  return result;
}

// The cost with aˡ (activations[l], a⁰ = x first) moved by d and every layer above recomputed.
function cutAt(weights, biases, activations, l, d, y, activation) {
  let value = activations[l] + d;
  for (let i = l; i < weights.length; i++)
    value = squash(weights[i] * value + biases[i], i < weights.length - 1 && activation);
  return (value - y) ** 2;
}

// A hidden link of a ReLU network is a ReLU; every other link (and the output) a sigmoid.
const squash = (z, activation) => (activation === "relu" ? Math.max(z, 0) : logistic(z));

function chainExact(weights, biases, x, y, activation = "sigmoid") {
  const n = weights.length;
  const relu = (i) => i < n - 1 && activation === "relu";
  const z = [];
  const a = [];
  let prev = x;
  for (let i = 0; i < n; i++) {
    z.push(weights[i] * prev + biases[i]); // zˡ = wˡ aˡ⁻¹ + bˡ
    prev = squash(z[i], relu(i) && "relu"); // aˡ = σ(zˡ), or ReLU(zˡ) on a ReLU network's hidden link
    a.push(prev);
  }
  const dC_dw = new Array(n);
  const dC_db = new Array(n);
  const dC_da = new Array(n);
  const factors = new Array(n);
  let upstream = 2 * (a[n - 1] - y); // ∂C/∂aᴸ = 2(aᴸ − y)
  for (let i = n - 1; i >= 0; i--) {
    const sp = relu(i) ? (z[i] > 0 ? 1 : 0) : a[i] * (1 - a[i]); // σ′(zˡ) = a(1 − a)
    const aPrev = i === 0 ? x : a[i - 1];
    dC_da[i] = upstream;
    factors[i] = { layer: i + 1, a_prev: aPrev, sigma_prime: sp, dC_da: upstream, w: weights[i] };
    dC_dw[i] = aPrev * sp * upstream;
    dC_db[i] = sp * upstream;
    upstream = weights[i] * sp * upstream; // ∂C/∂aˡ⁻¹ = wˡ σ′(zˡ) ∂C/∂aˡ: one layer back
  }
  const cost = (a[n - 1] - y) ** 2;
  return { z, a, cost, dC_dw, dC_db, dC_da, dC_dx: upstream, factors, activation };
}

/** The one-neuron chain's cost alone, for the tangent line. */
export function chainCost({ weights, biases, x, y }) {
  return chainExact(weights, biases, x, y).cost;
}

// ---- the real network ----------------------------------------------------------------------

/**
 * One parameter or hidden activation of the real network, for input x and label, as POST
 * /api/chain/network. Layers are numbered like the activations (0 = input):
 *  pick = {kind: "weight", layer: l, to: j, from: k} (wⱼₖ, into neuron j of layer l)
 *       | {kind: "bias", layer: l, to: j} | {kind: "activation", layer: l (hidden), neuron: k}
 * Returns {kind, value, cost, derivative (backprop's), finite_difference, factors: {a_prev |
 * one, sigma_prime, dC_da, delta}, product}; sigma_prime and dC_da are null for a softmax output
 * (δⱼ = aⱼ − yⱼ stands for their product). An activation has instead paths: for every neuron j
 * it feeds, {to, w, sigma_prime, dC_da, delta, term = wⱼₖ δⱼ}, and sum = Σ terms = ∂C/∂aₖ.
 */
export function pickChain(model, x, label, pick, result = backprop(model, x, label)) {
  const L = model.sizes.length - 1;
  const { activations, zs, dC_da, deltas } = result;
  // σ′(zⱼ), ∂C/∂aⱼ and δⱼ of neuron j of layer l (null, null for a softmax output)
  const local = (l, j) => {
    const delta = deltas[l - 1][j];
    if (l === L && model.cost === "cross-entropy") {
      return { sigma_prime: null, dC_da: null, delta };
    }
    const a = activations[l][j];
    const sp = l === L ? a * (1 - a) : hiddenPrime(model, zs[l - 1][j], a);
    return { sigma_prime: sp, dC_da: dC_da[l - 1][j], delta };
  };
  const l = pick.layer;
  if (pick.kind === "weight" || pick.kind === "bias") {
    const nIn = model.sizes[l - 1];
    const weight = pick.kind === "weight";
    const first = weight ? { a_prev: activations[l - 1][pick.from] } : { one: 1 };
    const factors = { ...first, ...local(l, pick.to) };
    return {
      kind: pick.kind,
      value: weight
        ? model.weights[l - 1][pick.to * nIn + pick.from]
        : model.biases[l - 1][pick.to],
      cost: result.cost,
      derivative: weight
        ? result.grad_weights[l - 1][pick.to * nIn + pick.from]
        : deltas[l - 1][pick.to],
      finite_difference: nudgeParameter(model, x, label, pick),
      factors,
      product: (weight ? factors.a_prev : 1) * factors.delta,
    };
  }
  const k = pick.neuron; // aₖ of hidden layer l feeds every neuron j of layer l + 1
  const nIn = model.sizes[l];
  const W = model.weights[l];
  const paths = [];
  for (let j = 0; j < model.sizes[l + 1]; j++) {
    const w = W[j * nIn + k];
    const f = local(l + 1, j);
    paths.push({ to: j, w, ...f, term: w * f.delta }); // wⱼₖ σ′(zⱼ) ∂C/∂aⱼ
  }
  const sum = paths.reduce((s, p) => s + p.term, 0); // ∂C/∂aₖ = Σⱼ wⱼₖ σ′(zⱼ) ∂C/∂aⱼ
  return {
    kind: "activation",
    value: activations[l][k],
    cost: result.cost,
    derivative: dC_da[l - 1][k],
    finite_difference: nudgeActivation(model, activations, label, l, k),
    paths,
    sum,
  };
}

// (C(θ + ε) − C(θ − ε)) / 2ε for one weight or bias, in a float64 copy of its layer.
function nudgeParameter(model, x, label, pick) {
  const i = pick.layer - 1;
  const weight = pick.kind === "weight";
  const index = weight ? pick.to * model.sizes[i] + pick.from : pick.to;
  const list = weight ? model.weights : model.biases;
  const costWith = (d) => {
    const moved = Float64Array.from(list[i]);
    moved[index] += d;
    const replaced = list.map((v, n) => (n === i ? moved : v));
    return exampleCost({ ...model, [weight ? "weights" : "biases"]: replaced }, x, label);
  };
  return (costWith(EPS) - costWith(-EPS)) / (2 * EPS);
}

// The same for a hidden activation aₖ of layer l: cut the network there and move aₖ by ±ε.
function nudgeActivation(model, activations, label, l, k) {
  const above = {
    ...model,
    sizes: model.sizes.slice(l),
    weights: model.weights.slice(l),
    biases: model.biases.slice(l),
  };
  const y = oneHot(label, model.sizes[model.sizes.length - 1]);
  const costWith = (d) => {
    const a = Float64Array.from(activations[l]);
    a[k] += d;
    const out = forwardAll(above, a).activations;
    return costTerms(model, out[out.length - 1], y).reduce((s, v) => s + v, 0);
  };
  return (costWith(EPS) - costWith(-EPS)) / (2 * EPS);
}

/** The name of layer l's activation derivative: "ReLU′" for a hidden layer of a ReLU
 * network, else "σ′" (an output is a sigmoid unless softmax, where δ = a − y stands instead). */
export function primeName(model, l) {
  return l < model.sizes.length - 1 && model.activation === "relu" ? "ReLU′" : "σ′";
}

/** How an output neuron's δ is made: a − y for softmax + cross-entropy, else σ′ · ∂C/∂a. */
export function outputDelta(model) {
  return model.cost === "cross-entropy" ? "δ = a − y" : "δ = σ′ · ∂C/∂a";
}

/** A parameter or activation in words, as explain.describe names it, e.g. "weight from pixel
 * (row 12, column 7) to neuron 3 of hidden layer 1". */
export function pickName(model, pick) {
  const L = model.sizes.length - 1;
  const neuron = (l, j) => `neuron ${j} of ${layerName(L, l)}`;
  if (pick.kind === "activation") return `activation of ${neuron(pick.layer, pick.neuron)}`;
  if (pick.kind === "bias") return `bias of ${neuron(pick.layer, pick.to)}`;
  const from =
    pick.layer === 1 && model.sizes[0] === PIXELS
      ? `pixel (row ${Math.floor(pick.from / SIDE)}, column ${pick.from % SIDE})`
      : neuron(pick.layer - 1, pick.from);
  return `weight from ${from} to ${neuron(pick.layer, pick.to)}`;
}

/** Layer l of a network whose output layer is L, in the video's words: "the input layer",
 * "hidden layer 2", "the output layer". */
export function layerName(L, l) {
  return l === 0 ? "the input layer" : l === L ? "the output layer" : `hidden layer ${l}`;
}

const DISC = 18; // the chain picture's disc radius, px

/**
 * Where the chain picture (four discs a⁰…a³, the three weights between them, the cost) puts
 * its discs and words in a box `width` px wide: in a row when every word fits beside its
 * neighbours, else down a column (a phone). texts = {weights: [3], acts: [4], cost: [2]} lines;
 * measure(text) → its width in px. Returns {vertical, height, discs: [{x, y}], labels: [{text,
 * x, y, align}]}, y the text's baseline (12 px type: it spans y − 12 … y + 3).
 */
export function chainPictureLayout(width, texts, measure) {
  const widest = Math.max(...[...texts.weights, ...texts.acts].map(measure));
  const costWidth = Math.max(...texts.cost.map(measure));
  const links = texts.acts.length - 1;
  const step = (width - 40 - DISC - 12 - costWidth) / links;
  const widestWeight = Math.max(...texts.weights.map(measure));
  // a row when every word fits beside its neighbours and each weight between its two discs
  if (step >= widest + 10 && step >= widestWeight + 2 * DISC + 8) {
    const y = 49;
    const xs = texts.acts.map((_, i) => 40 + i * step);
    return {
      vertical: false,
      height: 110,
      discs: xs.map((x) => ({ x, y })),
      labels: [
        ...texts.weights.map((text, i) => ({
          text,
          kind: "weight",
          x: (xs[i] + xs[i + 1]) / 2,
          y: y - 12,
          align: "center",
        })),
        ...texts.acts.map((text, i) => ({
          text,
          kind: "act",
          x: xs[i],
          y: y + 36,
          align: "center",
        })),
        { text: texts.cost[0], kind: "cost", x: xs[links] + DISC + 12, y: y - 4, align: "left" },
        { text: texts.cost[1], kind: "cost", x: xs[links] + DISC + 12, y: y + 14, align: "left" },
      ],
    };
  }
  const x = DISC + 10;
  const gap = 62;
  const ys = texts.acts.map((_, i) => DISC + 10 + i * gap);
  const below = ys[links] + DISC + 24;
  return {
    vertical: true,
    height: below + 24,
    discs: ys.map((y) => ({ x, y })),
    labels: [
      ...texts.acts.map((text, i) => ({
        text,
        kind: "act",
        x: x + DISC + 10,
        y: ys[i] + 4,
        align: "left",
      })),
      ...texts.weights.map((text, i) => ({
        text,
        kind: "weight",
        x: x + 10,
        y: (ys[i] + ys[i + 1]) / 2 + 5,
        align: "left",
      })),
      { text: texts.cost[0], kind: "cost", x: x - DISC, y: below, align: "left" },
      { text: texts.cost[1], kind: "cost", x: x - DISC, y: below + 18, align: "left" },
    ],
  };
}
