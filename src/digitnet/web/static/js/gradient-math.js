// The gradient as a whole, in the page: its components ranked by size ("this weight matters a
// lot, who cares about that one"), the share the top 1% and 10% hold in each layer, and the
// cost along the negative gradient, C(θ − t ∇C), for one example. No DOM here.

import { exampleCost, logistic, outputCost } from "./backprop-math.js";

/** |v| of every value of the arrays, concatenated, in one Float64Array. */
function magnitudes(arrays) {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let i = 0;
  for (const a of arrays) for (let k = 0; k < a.length; k++) out[i++] = Math.abs(a[k]);
  return out;
}

/**
 * Per layer of weights and biases (layer l feeds layer l, 1…L) and for all together: n, the
 * share of Σ|g| (and of Σg²) held by that group's own largest 1% and 10% of components (at
 * least one component each), and the fraction exactly zero.
 * gradWeights, gradBiases: one array per non-input layer, as from backprop or the API;
 * ranked: their rankedMagnitudes, if already made (sorting a million takes a while).
 */
export function shares(gradWeights, gradBiases, ranked = null) {
  const groups = gradWeights.map((g, i) => ({ layer: i + 1, arrays: [g, gradBiases[i]] }));
  groups.push({ layer: "all", arrays: groups.flatMap((group) => group.arrays) });
  return groups.map(({ layer, arrays }) => {
    const abs = layer === "all" && ranked ? ranked : magnitudes(arrays).sort().reverse(); // as numbers
    const n = abs.length;
    let total = 0;
    let squares = 0;
    for (const v of abs) {
      total += v;
      squares += v * v;
    }
    const top = (fraction, power) => {
      const count = Math.max(1, Math.ceil(fraction * n));
      let s = 0;
      for (let i = 0; i < count; i++) s += abs[i] ** power;
      const whole = power === 1 ? total : squares;
      return whole > 0 ? s / whole : 0;
    };
    let zeros = 0;
    for (const v of abs) if (v === 0) zeros += 1;
    return {
      layer,
      n,
      top1: top(0.01, 1),
      top10: top(0.1, 1),
      top1_sq: top(0.01, 2),
      top10_sq: top(0.1, 2),
      zero_fraction: zeros / n,
    };
  });
}

/** Every |component| sorted from the largest down, with the 1-based rank at which each sits. */
export function rankedMagnitudes(gradWeights, gradBiases) {
  return magnitudes([...gradWeights, ...gradBiases])
    .sort()
    .reverse();
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
 *
 * The first layer's z is linear in t: (W − tG)x + (b − t g) = z − t (Gx + g), so Gx, the one
 * big product, is made once; the small layers above are computed afresh for each t.
 */
export function lineSlice(model, x, label, result, tMax, points = 41) {
  const t = Array.from({ length: points }, (_, i) => (tMax * i) / (points - 1));
  const norm = gradientNorm(result.grad_weights, result.grad_biases);
  return { t, cost: t.map(sliceCost(model, x, label, result)), slope: -norm * norm };
}

/** The same slice as a function: t → C(θ − t ∇C), exact at any t. */
export function sliceCost(model, x, label, result) {
  const z1 = result.zs[0];
  const G = result.grad_weights[0];
  const nIn = model.sizes[0];
  const dz1 = Float64Array.from(result.grad_biases[0]); // Gx + g: how z¹ moves per unit of t
  for (let j = 0; j < dz1.length; j++) {
    let s = 0;
    for (let k = 0, row = j * nIn; k < nIn; k++) s += G[row + k] * x[k];
    dz1[j] += s;
  }
  const above = { ...model, sizes: model.sizes.slice(1) };
  return (ti) => {
    const moved = moveAlong(model, result, ti, 1); // every layer but the first
    const z = z1.map((v, j) => v - ti * dz1[j]);
    if (model.sizes.length === 2) return outputCost(model, z, label); // z¹ is the output's
    const a = z.map((v) => (model.activation === "relu" ? Math.max(v, 0) : logistic(v)));
    const rest = { ...above, weights: moved.weights.slice(1), biases: moved.biases.slice(1) };
    return exampleCost(rest, a, label);
  };
}

/**
 * A few steps down a slice f (t → cost, slope0 = f′(0) < 0), each in proportion to the
 * slope where it starts: t ← t − r f′(t), with r = η / −slope0, so the first step is t = η.
 * A step that climbs, goes back, or passes a lower point on its way (jumps past the valley)
 * halves η until none does (at most `tries` times). Returns {eta, ts, costs, overshot,
 * downhill}: overshot = {t: η, cost: f(η)} when the asked-for η did not go downhill at every
 * step, else null; downhill false when even the last η tried did not.
 */
export function downhillSteps(f, slope0, eta, { steps = 3, tries = 24, samples = 24 } = {}) {
  const slopeAt = (t, h) => (f(t + h) - f(Math.max(0, t - h))) / (t + h - Math.max(0, t - h));
  const walk = (e) => {
    const r = e / Math.max(-slope0, 1e-300);
    const ts = [0];
    const costs = [f(0)];
    let downhill = true;
    for (let n = 0; n < steps; n++) {
      const t0 = ts[n];
      const next = n === 0 ? e : t0 - r * slopeAt(t0, e / 100);
      const c = f(next);
      // no lower point between the two ends: the step did not pass the valley's bottom
      let lowest = c;
      for (let i = 1; i < samples && next > t0; i++)
        lowest = Math.min(lowest, f(t0 + ((next - t0) * i) / samples));
      if (!(next > t0 && c < costs[n] && lowest >= c)) downhill = false;
      ts.push(next);
      costs.push(c);
    }
    return { eta: e, ts, costs, downhill };
  };
  let found = walk(eta);
  const first = found;
  for (let i = 0; i < tries && !found.downhill; i++) found = walk(found.eta / 2);
  const overshot = first.downhill ? null : { t: eta, cost: first.costs[1] };
  return { eta: found.eta, ts: found.ts, costs: found.costs, overshot, downhill: found.downhill };
}

/** The model moved by −t ∇C (float64 copies), from layer `first` (0-based) on; layers below
 * `first` are left as they are. */
export function moveAlong(model, result, t, first = 0) {
  const move = (list, grads) =>
    list.map((values, i) => {
      if (i < first) return values;
      const g = grads[i];
      const out = new Float64Array(values.length);
      for (let n = 0; n < out.length; n++) out[n] = values[n] - t * g[n];
      return out;
    });
  return {
    ...model,
    weights: move(model.weights, result.grad_weights),
    biases: move(model.biases, result.grad_biases),
  };
}

/**
 * Whether the step to t = η along a slice {t, cost} raises the cost, and the step sizes that
 * would not: {raises, below, lowest}. below: the first t where the cost climbs back to C(θ)
 * (linear between samples), so every η under it lowers the cost along this line; lowest: the
 * sampled t with the lowest cost.
 */
export function overshoot(line, eta, costAtEta) {
  const c0 = line.cost[0];
  let lowest = 0;
  for (let i = 1; i < line.cost.length; i++) if (line.cost[i] < line.cost[lowest]) lowest = i;
  let below = null;
  const back = line.cost.findIndex((c, i) => i > 0 && c >= c0);
  if (back === 1)
    below = line.t[1]; // it rises at once: only a step shorter than the first sample
  else if (back > 1) {
    const [a, b] = [line.cost[back - 1], line.cost[back]];
    below = line.t[back - 1] + ((c0 - a) / (b - a)) * (line.t[back] - line.t[back - 1]);
  }
  return { raises: costAtEta > c0, below, lowest: line.t[lowest] };
}
