// The gradient as a whole, in the page: its components ranked by size ("this weight matters a
// lot, who cares about that one"), the share the top 1% and 10% hold in each layer, and the
// cost along the negative gradient, C(θ − t ∇C), for one example. No DOM here.

import { exampleCost } from "./backprop-math.js";

/**
 * Per layer of weights and biases (layer l feeds layer l, 1…L) and for all together: n, the
 * share of Σ|g| (and of Σg²) held by that group's own largest 1% and 10% of components (at
 * least one component each), and the fraction exactly zero.
 * gradWeights, gradBiases: one array per non-input layer, as from backprop or the API.
 */
export function shares(gradWeights, gradBiases) {
  const groups = gradWeights.map((g, i) => ({ layer: i + 1, values: [...g, ...gradBiases[i]] }));
  groups.push({ layer: "all", values: groups.flatMap((group) => group.values) });
  return groups.map(({ layer, values }) => {
    const abs = Float64Array.from(values, Math.abs).sort().reverse();
    const n = abs.length;
    const total = abs.reduce((s, v) => s + v, 0);
    const squares = abs.reduce((s, v) => s + v * v, 0);
    const top = (fraction, power) => {
      const count = Math.max(1, Math.ceil(fraction * n));
      let s = 0;
      for (let i = 0; i < count; i++) s += abs[i] ** power;
      const whole = power === 1 ? total : squares;
      return whole > 0 ? s / whole : 0;
    };
    return {
      layer,
      n,
      top1: top(0.01, 1),
      top10: top(0.1, 1),
      top1_sq: top(0.01, 2),
      top10_sq: top(0.1, 2),
      zero_fraction: abs.filter((v) => v === 0).length / n,
    };
  });
}

/** Every |component| sorted from the largest down, with the 1-based rank at which each sits. */
export function rankedMagnitudes(gradWeights, gradBiases) {
  const all = [];
  gradWeights.forEach((g, i) => all.push(...g, ...gradBiases[i]));
  return Float64Array.from(all, Math.abs).sort().reverse();
}

/** The Euclidean length ‖∇C‖ of a gradient given as per-layer arrays. */
export function gradientNorm(gradWeights, gradBiases) {
  let s = 0;
  for (const g of [...gradWeights, ...gradBiases]) for (const v of g) s += v * v;
  return Math.sqrt(s);
}

/**
 * One example's cost along the negative gradient, C(θ − t ∇C) for t in [0, tMax]:
 * {t, cost, slope} where slope = dC/dt at t = 0 = −‖∇C‖², the tangent's slope.
 * result: backprop(model, x, label).
 */
export function lineSlice(model, x, label, result, tMax, points = 41) {
  const t = Array.from({ length: points }, (_, i) => (tMax * i) / (points - 1));
  const cost = t.map((ti) => exampleCost(moveAlong(model, result, ti), x, label));
  const norm = gradientNorm(result.grad_weights, result.grad_biases);
  return { t, cost, slope: -norm * norm };
}

/** The model moved by −t ∇C (float64 copies). */
export function moveAlong(model, result, t) {
  return {
    ...model,
    weights: model.weights.map((W, i) =>
      Float64Array.from(W, (w, n) => w - t * result.grad_weights[i][n]),
    ),
    biases: model.biases.map((b, i) =>
      Float64Array.from(b, (v, j) => v - t * result.grad_biases[i][j]),
    ),
  };
}
