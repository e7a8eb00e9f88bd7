// chain-math.js: the one-neuron chain's products against its finite differences and a value
// worked by hand; the real network's picks (weight, bias, activation) against backprop.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  oneNeuronChain,
  chainCost,
  chainPictureLayout,
  pickChain,
  pickName,
} from "../../src/digitnet/web/static/js/chain-math.js";
import { backprop } from "../../src/digitnet/web/static/js/backprop-math.js";
import { tinyModel } from "./tiny.js";

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("the one-neuron chain's products equal its finite differences", () => {
  const r = oneNeuronChain({ weights: [1.2, -0.7, 2.1], biases: [0.1, 0.3, -0.5], x: 0.8, y: 1 });
  for (const key of ["dC_dw", "dC_db", "dC_da"]) {
    r[key].forEach((v, l) => close(v, r.finite_difference[key][l], 1e-8, `${key}[${l}]`));
  }
  close(r.dC_dx, r.finite_difference.dC_dx, 1e-8, "∂C/∂x");
  // ∂C/∂w⁽ᴸ⁾ = a⁽ᴸ⁻¹⁾ · σ′(z⁽ᴸ⁾) · 2(a⁽ᴸ⁾ − y), each factor from the forward pass
  const f = r.factors[2];
  assert.equal(f.a_prev, r.a[1]);
  close(f.sigma_prime, r.a[2] * (1 - r.a[2]), 1e-16, "σ′");
  close(f.dC_da, 2 * (r.a[2] - 1), 1e-16, "2(a − y)");
  close(r.dC_dw[2], f.a_prev * f.sigma_prime * f.dC_da, 1e-16, "product");
  // each layer passes on w · σ′ · ∂C/∂a as the layer below's ∂C/∂a
  close(r.dC_da[1], f.w * f.sigma_prime * f.dC_da, 1e-16, "chain");
  close(r.dC_dx, r.factors[0].w * r.factors[0].sigma_prime * r.dC_da[0], 1e-16, "to x");
});

test("a ReLU network's chain: ReLU on its hidden links, σ at the output, products = nudges", () => {
  const spec = { weights: [1.2, 0.9, 2.1], biases: [0.1, 0.3, -0.5], x: 0.8, y: 1 };
  const r = oneNeuronChain({ ...spec, activation: "relu" });
  close(r.a[0], 1.2 * 0.8 + 0.1, 1e-15, "a¹ = ReLU(z¹)");
  close(r.a[1], 0.9 * r.a[0] + 0.3, 1e-15, "a² = ReLU(z²)");
  close(r.a[2], 1 / (1 + Math.exp(-(2.1 * r.a[1] - 0.5))), 1e-15, "a³ = σ(z³)");
  assert.equal(r.factors[0].sigma_prime, 1); // ReLU′ of a positive z
  for (const key of ["dC_dw", "dC_db", "dC_da"])
    r[key].forEach((v, l) => close(v, r.finite_difference[key][l], 1e-7, `${key}[${l}]`));
  const dead = oneNeuronChain({ ...spec, biases: [-2, 0.3, -0.5], activation: "relu" });
  assert.equal(dead.a[0], 0);
  assert.ok(dead.dC_dw[0] === 0); // a dead ReLU passes nothing back (0 or −0)
});

test("a chain worked by hand: w = 1, b = 0 everywhere, x = 0, y = 0", () => {
  // z¹ = 0 → a¹ = ½; z² = ½ → a² = σ(½); z³ = a² → a³ = σ(a²); C = (a³)²
  const s = (z) => 1 / (1 + Math.exp(-z));
  const r = oneNeuronChain({ weights: [1, 1, 1], biases: [0, 0, 0], x: 0, y: 0 });
  close(r.a[0], 0.5, 1e-16, "a¹");
  close(r.a[2], s(s(0.5)), 1e-15, "a³");
  close(r.cost, s(s(0.5)) ** 2, 1e-15, "C");
  close(r.dC_dw[0], 0, 1e-16, "x = 0 carries no blame to w¹");
  assert.equal(chainCost({ weights: [1, 1, 1], biases: [0, 0, 0], x: 0, y: 0 }), r.cost);
});

for (const [activation, kind] of [
  ["sigmoid", "quadratic"],
  ["relu", "cross-entropy"],
]) {
  test(`a real network's weight, bias and activation: factors, backprop and nudges agree (${activation}, ${kind})`, () => {
    const { model, x } = tinyModel([6, 5, 4, 3], activation, kind, 4);
    const label = 1;
    const r = backprop(model, x, label);
    const picks = [
      { kind: "weight", layer: 3, to: 1, from: 2 },
      { kind: "weight", layer: 2, to: 3, from: 0 },
      { kind: "weight", layer: 1, to: 0, from: 5 },
      { kind: "bias", layer: 3, to: 0 },
      { kind: "bias", layer: 1, to: 4 },
      { kind: "activation", layer: 2, neuron: 2 },
      { kind: "activation", layer: 1, neuron: 1 },
    ];
    for (const pick of picks) {
      const p = pickChain(model, x, label, pick, r);
      const what = JSON.stringify(pick);
      const value = pick.kind === "activation" ? p.sum : p.product;
      close(value, p.derivative, 1e-15, what);
      close(value, p.finite_difference, 1e-8, what);
      if (pick.kind === "activation") {
        assert.equal(p.paths.length, model.sizes[pick.layer + 1]);
        p.paths.forEach((q) => close(q.term, q.w * q.delta, 1e-16, "term"));
      } else if (kind === "quadratic") {
        close(p.factors.delta, p.factors.sigma_prime * p.factors.dC_da, 1e-16, "δ = σ′ ∂C/∂a");
      } else if (pick.layer === 3) {
        assert.equal(p.factors.sigma_prime, null); // softmax: δⱼ = aⱼ − yⱼ stands alone
      }
    }
  });
}

test("a float32 model's finite differences are taken in float64", () => {
  const { model, x } = tinyModel([6, 5, 4, 3], "sigmoid", "quadratic", 9);
  const f32 = { ...model, weights: model.weights.map((W) => Float32Array.from(W)) };
  const p = pickChain(f32, x, 0, { kind: "weight", layer: 1, to: 1, from: 1 });
  close(p.product, p.finite_difference, 1e-8, "float32 weights");
});

test("picks are named like the API's parameters, layers in the video's words", () => {
  const model = { sizes: [784, 16, 16, 10] };
  assert.equal(
    pickName(model, { kind: "weight", layer: 1, to: 3, from: 343 }),
    "weight from pixel (row 12, column 7) to neuron 3 of hidden layer 1",
  );
  assert.equal(
    pickName(model, { kind: "bias", layer: 3, to: 2 }),
    "bias of neuron 2 of the output layer",
  );
  assert.equal(
    pickName(model, { kind: "weight", layer: 3, to: 2, from: 9 }),
    "weight from neuron 9 of hidden layer 2 to neuron 2 of the output layer",
  );
  assert.equal(
    pickName(model, { kind: "activation", layer: 2, neuron: 5 }),
    "activation of neuron 5 of hidden layer 2",
  );
});

for (const links of [3, 2, 1])
  test(`the chain picture's words never run into each other or off the picture, phone to desktop (${links} links)`, () => {
    const texts = {
      weights: ["w¹ = 1.80", "w² = −1.60", "w³ = 2.40"].slice(0, links),
      acts: ["a⁰ = 0.800", "a¹ = 0.739", "a² = 0.430", "a³ = 0.582"].slice(0, links + 1),
      cost: ["C = (a³ − y)²", "= 0.1746"],
    };
    const measure = (t) => 7 * t.length; // 12 px type, a little wider than it is
    const box = (l) => {
      const w = measure(l.text);
      const left = l.align === "center" ? l.x - w / 2 : l.x;
      return { left, right: left + w, top: l.y - 12, bottom: l.y + 3 };
    };
    const apart = (a, b) =>
      a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    const seen = new Set();
    for (const width of [300, 337, 390, 480, 560, 700, 1000, 1374]) {
      const layout = chainPictureLayout(width, texts, measure);
      seen.add(layout.vertical);
      const boxes = layout.labels.map(box);
      const discs = layout.discs.map(({ x, y }) => ({
        left: x - 18,
        right: x + 18,
        top: y - 18,
        bottom: y + 18,
      }));
      for (const [i, a] of boxes.entries()) {
        assert.ok(
          a.left >= 0 && a.right <= width && a.top >= 0,
          `${width}: ${layout.labels[i].text}`,
        );
        assert.ok(
          a.bottom <= layout.height,
          `${width}: ${layout.labels[i].text} below the picture`,
        );
        for (const b of boxes.slice(i + 1)) assert.ok(apart(a, b), `${width}: words overlap`);
        for (const d of discs)
          assert.ok(apart(a, d), `${width}: ${layout.labels[i].text} on a disc`);
      }
      assert.equal(layout.labels.length, 2 * links + 3);
    }
    // a column on a phone, a row when wide (one link fits in a row on every phone)
    assert.deepEqual([...seen].sort(), links === 1 ? [false] : [false, true]);
  });
