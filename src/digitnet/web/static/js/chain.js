// The Chain rule view (chapter 4): the chain of one neuron per layer a⁰ → a¹ → a² → a³ with a
// slider for every w, b, the input and the target; number lines for z, a and C; every
// derivative as its factors and their product beside the ratio of nudges; the cost following
// its tangent line as one knob is nudged. Then the same for any weight, bias or hidden
// activation of the real network, picked in its diagram. All computed in the page.

import { SERIES } from "./chart.js";
import { PIXELS } from "./constants.js";
import { argmax } from "./network.js";
import { backprop, costName, exampleCost } from "./backprop-math.js";
import {
  chainCost,
  chainPictureLayout,
  layerName,
  oneNeuronChain,
  pickChain,
  pickName,
  primeName,
} from "./chain-math.js";
import {
  Latency,
  button,
  el,
  fit,
  labelPicker,
  lineChart,
  num,
  scroller,
  section,
  signed,
  sup,
  whenShown,
} from "./chapters.js";
import { PickDiagram, PickInputs } from "./pick-diagram.js";
import { value } from "./format.js";

const FONT = "12px system-ui, sans-serif"; // the chain picture's words

// The knobs of the one-neuron chain: [key, label, min, max, start]
const KNOBS = [
  ["w1", `w${sup(1)}`, -6, 6, 1.8],
  ["b1", `b${sup(1)}`, -6, 6, -0.4],
  ["w2", `w${sup(2)}`, -6, 6, -1.6],
  ["b2", `b${sup(2)}`, -6, 6, 0.9],
  ["w3", `w${sup(3)}`, -6, 6, 2.4],
  ["b3", `b${sup(3)}`, -6, 6, -0.7],
  ["x", `input a${sup(0)}`, 0, 1, 0.8],
  ["y", "target y", 0, 1, 1],
];
const NUDGE = 2; // the tangent chart spans the knob's value ± this
const ACTIVATION = [0, 1]; // where a sigmoid's activation lives: nudges stop at its ends

export class ChainView {
  constructor(root, example) {
    this.root = root;
    this.example = example;
    this.model = null;
    this.values = Object.fromEntries(KNOBS.map(([key, , , , start]) => [key, start]));
    this.tangentKnob = "w3";
    this.nudge = 0.5;
    this.pick = null; // in the real network
    this.realNudge = 0;
    this.latency = new Latency();
    this.build();
    example.onChange(() => this.updateReal());
    whenShown(root, () => {
      this.updateChain();
      this.updateReal();
    });
  }

  build() {
    // ---- the one-neuron chain
    this.sliders = {};
    const knobs = el("div", { className: "knob-grid" });
    for (const [key, label, min, max, start] of KNOBS) {
      const input = el("input", {
        type: "range",
        min,
        max,
        step: 0.01,
        value: start,
        dataset: { testid: `chain-${key}` },
        "aria-label": label,
      });
      const shown = el("output", { textContent: num(start, 2) });
      input.addEventListener("input", (e) =>
        this.latency.measure(e, () => {
          this.values[key] = Number(input.value);
          shown.textContent = num(this.values[key], 2);
          this.updateChain();
        }),
      );
      this.sliders[key] = { input, shown };
      knobs.append(el("label", {}, el("span", { textContent: label }), input, shown));
    }
    this.chainPicture = el("canvas", {
      className: "chain-picture",
      role: "img",
      "aria-label":
        "The chain: input, three neurons and the cost, each weight on its edge (the sliders and the table give the numbers)",
    });
    this.numberLines = el("canvas", {
      className: "number-lines",
      role: "img",
      "aria-label": "Number lines for each z, a and the cost, the current value marked",
    });
    this.derivatives = el("table", {
      className: "derivatives",
      dataset: { testid: "chain-derivatives" },
    });
    this.tangentSelect = el(
      "select",
      { "aria-label": "The knob to nudge" },
      ...KNOBS.filter(([key]) => key !== "y").map(
        ([key, label]) => new Option(label, key, false, key === this.tangentKnob),
      ),
    );
    this.nudgeSlider = el("input", {
      type: "range",
      min: -NUDGE,
      max: NUDGE,
      step: 0.01,
      value: this.nudge,
      dataset: { testid: "chain-nudge" },
      "aria-label": "Nudge",
    });
    this.tangentChart = el("canvas", {
      className: "chart",
      role: "img",
      "aria-label":
        "The cost as the chosen knob is nudged, beside its tangent line (the text above gives the numbers)",
    });
    this.tangentText = el("p", { "aria-live": "polite" });
    this.tangentSelect.addEventListener("change", (e) =>
      this.latency.measure(e, () => {
        this.tangentKnob = this.tangentSelect.value;
        this.nudge = 0;
        this.nudgeSlider.value = "0";
        this.updateChain();
      }),
    );
    this.nudgeSlider.addEventListener("input", (e) =>
      this.latency.measure(
        e,
        () => ((this.nudge = Number(this.nudgeSlider.value)), this.updateChain()),
      ),
    );
    const chainPart = section(
      "One neuron per layer",
      "a⁰ → a¹ → a² → a³ with zˡ = wˡ aˡ⁻¹ + bˡ, aˡ = σ(zˡ) and the cost C = (a³ − y)². Move any knob: every number below follows.",
      el(
        "div",
        { className: "chain-top" },
        knobs,
        el("div", {}, this.chainPicture, this.numberLines),
      ),
      el("h3", { textContent: "Each derivative as its factors, beside the ratio of nudges" }),
      el("p", {
        className: "muted",
        textContent:
          "Reading backwards from the cost: ∂C/∂a³ = 2(a³ − y) starts the chain; each layer multiplies by σ′(zˡ) and then by aˡ⁻¹ (for its weight), 1 (its bias) or wˡ (to pass it one layer further back). The last column nudges the knob by ±0.000001 and measures the change in C.",
      }),
      scroller("Each derivative as its factors, beside the ratio of nudges", this.derivatives),
      el("h3", { textContent: "The cost follows its tangent line" }),
      el(
        "div",
        { className: "buttons" },
        el("label", {}, "nudge ", this.tangentSelect),
        el("label", { className: "grow" }, "by ", this.nudgeSlider),
      ),
      this.tangentText,
      this.tangentChart,
    );
    // ---- the real network
    this.convention = el("p", { className: "convention" });
    this.label = labelPicker("chain-label", (d, e) =>
      this.latency.measure(e, () => this.example.setLabel(d)),
    );
    this.diagram = PickDiagram.inCanvas(
      "The network: click a neuron (its bias or activation) or an edge (its weight)",
      (hit, e) => this.latency.measure(e, () => this.pickFromDiagram(hit)),
    );
    this.kind = el(
      "select",
      { "aria-label": "What to differentiate" },
      new Option("a weight", "weight"),
      new Option("a bias", "bias"),
      new Option("a hidden activation", "activation"),
    );
    const fromInputs = (e) => this.latency.measure(e, () => this.pickFromInputs());
    this.kind.addEventListener("change", fromInputs);
    this.pickInputs = new PickInputs(fromInputs, "chain-pick");
    this.realTitle = el("h3", { dataset: { testid: "chain-pick" } });
    this.realFormula = el("div", { className: "formula", dataset: { testid: "chain-real" } });
    this.realPaths = scroller("The paths from the picked value to the cost");
    this.realNudgeSlider = el("input", {
      type: "range",
      min: -1,
      max: 1,
      step: 0.01,
      value: 0,
    });
    this.realNudgeSlider.addEventListener("input", (e) =>
      this.latency.measure(
        e,
        () => ((this.realNudge = Number(this.realNudgeSlider.value)), this.updateReal()),
      ),
    );
    this.realTangent = el("canvas", {
      className: "chart short",
      role: "img",
      "aria-label":
        "The real network's cost as the picked value is nudged, beside its tangent line",
    });
    this.realTangentText = el("p", { "aria-live": "polite" });
    const realPart = section(
      "The same in the real network",
      "Pick any weight (an edge), bias or hidden activation (a neuron) in the diagram, for the example and label chosen here. A hidden activation reaches the cost through every neuron it feeds, so its derivative is a sum over those paths.",
      this.convention,
      this.example.topBar(this.label),
      el(
        "div",
        { className: "buttons" },
        el("label", {}, "Differentiate ", this.kind),
        ...this.pickInputs.labels,
      ),
      el(
        "div",
        { className: "chain-real" },
        this.diagram.canvas,
        el(
          "div",
          {},
          this.realTitle,
          this.realFormula,
          this.realPaths,
          el("label", { className: "grow" }, "nudge it by ", this.realNudgeSlider),
          this.realTangentText,
          this.realTangent,
        ),
      ),
    );
    this.root.replaceChildren(chainPart, realPart);
  }

  setModel(model) {
    this.model = model;
    const hidden = model.sizes.length - 2;
    this.convention.textContent = `This model's cost: ${costName(model)}. Its ${model.sizes.join("-")} neurons: the input layer, ${hidden === 1 ? "one hidden layer" : `hidden layers 1–${hidden}`} and the output layer.`;
    this.diagram.setModel(model);
    this.diagram.showValues(model.weights);
    this.pick = null; // chosen on the first update: into the label's output, from the brightest
    this.kind.value = "weight";
    this.pickInputs.show(model, { kind: "weight", layer: model.sizes.length - 1, to: 0, from: 0 });
    this.result = null;
    this.realNudge = 0;
    this.realNudgeSlider.value = "0";
    this.updateChain();
    this.updateReal();
  }

  // ---- the one-neuron chain -------------------------------------------------------------

  params(values = this.values) {
    return {
      weights: [values.w1, values.w2, values.w3],
      biases: [values.b1, values.b2, values.b3],
      x: values.x,
      y: values.y,
    };
  }

  updateChain() {
    if (this.root.hidden) return;
    const r = oneNeuronChain(this.params());
    this.chain = r;
    drawChain(this.chainPicture, this.values, r);
    drawNumberLines(this.numberLines, r);
    this.showDerivatives(r);
    this.showTangent(r);
  }

  showDerivatives(r) {
    const rows = [
      el(
        "tr",
        {},
        ...["derivative", "= its factors", "= product"].map((t) => el("th", { textContent: t })),
        el("th", { className: "key", textContent: "ratio of nudges" }),
      ),
    ];
    const line = (which, name, factors, product, fd) =>
      el(
        "tr",
        { dataset: { which } },
        el("th", { scope: "row", textContent: name }),
        el("td", { textContent: factors }),
        el("td", {
          className: "product",
          dataset: { testid: "chain-product", which },
          textContent: num(product, 6),
        }),
        el("td", {
          className: "fd key",
          dataset: { testid: "chain-fd", which },
          textContent: num(fd, 6),
        }),
      );
    const fd = r.finite_difference;
    rows.push(
      line(
        "dC_da3",
        "∂C/∂a³",
        `2(a³ − y) = 2(${num(r.a[2])} − ${num(this.values.y, 2)})`,
        r.dC_da[2],
        fd.dC_da[2],
      ),
    );
    for (let i = 2; i >= 0; i--) {
      const f = r.factors[i];
      const l = i + 1;
      const prev = i === 0 ? "a⁰" : `a${sup(i)}`;
      const tail = `σ′(z${sup(l)}) · ∂C/∂a${sup(l)} = `;
      const values = `${num(f.sigma_prime)} · ${num(f.dC_da)}`;
      rows.push(
        line(
          `dC_dw${l}`,
          `∂C/∂w${sup(l)}`,
          `${prev} · ${tail}${num(f.a_prev)} · ${values}`,
          r.dC_dw[i],
          fd.dC_dw[i],
        ),
      );
      rows.push(
        line(`dC_db${l}`, `∂C/∂b${sup(l)}`, `1 · ${tail}1 · ${values}`, r.dC_db[i], fd.dC_db[i]),
      );
      const below = i === 0 ? r.dC_dx : r.dC_da[i - 1];
      const belowFd = i === 0 ? fd.dC_dx : fd.dC_da[i - 1];
      rows.push(
        line(
          i === 0 ? "dC_dx" : `dC_da${i}`,
          `∂C/∂${prev}`,
          `w${sup(l)} · ${tail}${num(f.w)} · ${values}`,
          below,
          belowFd,
        ),
      );
    }
    this.derivatives.replaceChildren(...rows);
  }

  showTangent(r) {
    const key = this.tangentKnob;
    const label = KNOBS.find(([k]) => k === key)[1];
    const p = this.values[key];
    const costAt = (v) => chainCost(this.params({ ...this.values, [key]: v }));
    const slope = {
      w1: r.dC_dw[0],
      w2: r.dC_dw[1],
      w3: r.dC_dw[2],
      b1: r.dC_db[0],
      b2: r.dC_db[1],
      b3: r.dC_db[2],
      x: r.dC_dx,
    }[key];
    const bounds = key === "x" ? ACTIVATION : null; // the input a⁰ is an activation
    this.nudge = boundNudge(this.nudgeSlider, p, this.nudge, NUDGE, bounds);
    tangentChart(this.tangentChart, this.tangentText, {
      label,
      p,
      cost: r.cost,
      slope,
      costAt,
      nudge: this.nudge,
      bounds,
    });
  }

  // ---- the real network ---------------------------------------------------------------------

  pickFromDiagram(hit) {
    const L = this.model.sizes.length - 1;
    if (hit.kind === "edge")
      this.pick = { kind: "weight", layer: hit.layer, to: hit.to, from: hit.from };
    else if (hit.kind === "pixel") {
      // into the first-layer neuron already picked, else the one this pixel's weight matters most to
      const g = this.result.grad_weights[0];
      const n = this.model.sizes[1];
      const blame = Array.from({ length: n }, (_, j) => Math.abs(g[j * PIXELS + hit.index]));
      const to = this.pick && this.pick.layer === 1 ? this.pick.to : argmax(blame);
      this.pick = { kind: "weight", layer: 1, to, from: hit.index };
    } else if (hit.layer === L || this.kind.value === "bias")
      this.pick = { kind: "bias", layer: hit.layer, to: hit.neuron };
    else this.pick = { kind: "activation", layer: hit.layer, neuron: hit.neuron };
    this.realNudge = 0;
    this.realNudgeSlider.value = "0";
    this.updateReal();
  }

  pickFromInputs() {
    this.pick = this.pickInputs.read(this.kind.value);
    this.realNudge = 0;
    this.realNudgeSlider.value = "0";
    this.updateReal();
  }

  updateReal() {
    if (!this.model || this.root.hidden) return;
    const x = this.example.x;
    const label = this.example.labelFor(this.model);
    this.label.value = String(label);
    const result = backprop(this.model, x, label);
    this.result = result;
    const L = this.model.sizes.length - 1;
    this.pick ??= { kind: "weight", layer: L, to: label, from: argmax(result.activations[L - 1]) };
    const pick = this.pick;
    const p = pickChain(this.model, x, label, pick, result);
    this.kind.value = pick.kind;
    this.pickInputs.show(this.model, pick);
    this.diagram.update(x, result.activations.slice(1));
    if (pick.kind === "weight")
      this.diagram.pickEdge({ layer: pick.layer, to: pick.to, from: pick.from });
    else this.diagram.pickNeuron(pick.layer, pick.kind === "activation" ? pick.neuron : pick.to);
    this.realTitle.textContent = `${pickName(this.model, pick)}: ${pick.kind === "activation" ? "a" : pick.kind === "weight" ? "w" : "b"} = ${num(p.value)}; C = ${num(p.cost, 5)} for label ${label}`;
    this.showReal(p, pick);
    this.showRealTangent(p, pick, x, label);
  }

  showReal(p, pick) {
    const L = this.model.sizes.length - 1;
    const rows = [];
    const out = (l) => l === L;
    const dCda = (l) =>
      out(l) ? (this.model.cost === "quadratic" ? "2(aⱼ − yⱼ)" : "∂C/∂aⱼ") : "∂C/∂aⱼ";
    if (pick.kind !== "activation") {
      const f = p.factors;
      const first = pick.kind === "weight" ? ["aₖ", f.a_prev] : ["1", 1];
      const name = pick.kind === "weight" ? "∂C/∂wⱼₖ" : "∂C/∂bⱼ";
      const text =
        f.sigma_prime === null
          ? `${name} = ${first[0]} · δⱼ = ${num(first[1])} · ${num(f.delta)}   (softmax + cross-entropy: δⱼ = aⱼ − yⱼ)`
          : `${name} = ${first[0]} · ${primeName(this.model, pick.layer)}(zⱼ) · ${dCda(pick.layer)} = ${num(first[1])} · ${num(f.sigma_prime)} · ${num(f.dC_da)}`;
      rows.push(el("p", { textContent: text }));
      if (!out(pick.layer)) {
        const follow = button(
          `∂C/∂aⱼ is itself a sum over paths: follow neuron ${pick.to} of ${layerName(L, pick.layer)}`,
        );
        follow.addEventListener("click", (e) =>
          this.latency.measure(
            e,
            () => (
              (this.pick = { kind: "activation", layer: pick.layer, neuron: pick.to }),
              this.updateReal()
            ),
          ),
        );
        rows.push(follow);
      }
      this.realPaths.replaceChildren();
    } else {
      rows.push(
        el("p", {
          textContent: `∂C/∂aₖ = Σⱼ wⱼₖ · ${primeName(this.model, pick.layer + 1)}(zⱼ) · ${dCda(pick.layer + 1)}, one term for each of the ${p.paths.length} neurons of ${layerName(L, pick.layer + 1)} it feeds:`,
        }),
      );
      const softmax = p.paths[0].sigma_prime === null;
      const head = el(
        "tr",
        {},
        ...[
          "j",
          "wⱼₖ",
          softmax ? "δⱼ = aⱼ − yⱼ" : `${primeName(this.model, pick.layer + 1)}(zⱼ)`,
          softmax ? "" : dCda(pick.layer + 1),
          "term",
        ].map((t) => el("th", { textContent: t })),
      );
      const body = p.paths.map((q) =>
        el(
          "tr",
          {},
          el("td", { textContent: String(q.to) }),
          el("td", { textContent: value(q.w) }),
          el("td", { textContent: value(softmax ? q.delta : q.sigma_prime) }),
          el("td", { textContent: softmax ? "" : value(q.dC_da) }),
          el("td", { className: q.term >= 0 ? "up" : "down", textContent: signed(q.term, 4) }),
        ),
      );
      const total = el(
        "tr",
        { className: "total" },
        el("th", { textContent: "Σ" }),
        el("td"),
        el("td"),
        el("td"),
        el("td", { textContent: signed(p.sum, 4) }),
      );
      this.realPaths.replaceChildren(el("table", { className: "paths" }, head, ...body, total));
    }
    const result = pick.kind === "activation" ? p.sum : p.product;
    rows.push(
      el(
        "dl",
        { className: "verdict" },
        el("dt", { textContent: "product" }),
        el("dd", { textContent: num(result, 8) }),
        el("dt", { textContent: "backprop" }),
        el("dd", { textContent: num(p.derivative, 8) }),
        el("dt", { textContent: "ratio of nudges (±1e-6)" }),
        el("dd", {
          dataset: { testid: "chain-real-fd" },
          textContent: num(p.finite_difference, 8),
        }),
      ),
    );
    this.realFormula.replaceChildren(...rows);
  }

  showRealTangent(p, pick, x, label) {
    const slope = p.derivative;
    const at = (v) => {
      if (pick.kind === "activation") {
        const above = {
          ...this.model,
          sizes: this.model.sizes.slice(pick.layer),
          weights: this.model.weights.slice(pick.layer),
          biases: this.model.biases.slice(pick.layer),
        };
        const a = Float64Array.from(this.result.activations[pick.layer]);
        a[pick.neuron] = v;
        return exampleCost(above, a, label);
      }
      const list = pick.kind === "weight" ? "weights" : "biases";
      const i = pick.layer - 1;
      const moved = Float64Array.from(this.model[list][i]);
      moved[pick.kind === "weight" ? pick.to * this.model.sizes[i] + pick.from : pick.to] = v;
      return exampleCost(
        { ...this.model, [list]: this.model[list].map((arr, n) => (n === i ? moved : arr)) },
        x,
        label,
      );
    };
    const name = pick.kind === "activation" ? "aₖ" : pick.kind === "weight" ? "wⱼₖ" : "bⱼ";
    // an activation stays where its σ can put it: sigmoid in [0, 1], ReLU at 0 or above
    const sigmoid = this.model.activation !== "relu";
    const bounds = pick.kind !== "activation" ? null : sigmoid ? ACTIVATION : [0, Infinity];
    this.realNudge = boundNudge(this.realNudgeSlider, p.value, this.realNudge, 1, bounds);
    tangentChart(this.realTangent, this.realTangentText, {
      label: name,
      p: p.value,
      cost: p.cost,
      slope,
      costAt: at,
      nudge: this.realNudge,
      span: 1,
      bounds,
    });
  }
}

// A nudge slider's range: ±span around the value p, within bounds [lo, hi] if any; returns the
// nudge, moved inside the range.
function boundNudge(slider, p, nudge, span, bounds) {
  const [lo, hi] = bounds
    ? [Math.max(-span, bounds[0] - p), Math.min(span, bounds[1] - p)]
    : [-span, span];
  slider.min = String(lo);
  slider.max = String(hi);
  const kept = Math.min(hi, Math.max(lo, nudge));
  if (kept !== nudge) slider.value = String(kept);
  return kept;
}

// C as a function of one knob around its value p, the tangent C(p) + (v − p)·slope, and the
// nudged point on both.
// bounds: where the knob can be (an activation's [0, 1]); the chart stops there.
function tangentChart(
  canvas,
  text,
  { label, p, cost, slope, costAt, nudge, span = NUDGE, bounds = null },
) {
  const points = [];
  const tangent = [];
  const [lo, hi] = bounds
    ? [Math.max(bounds[0], p - span), Math.min(bounds[1], p + span)]
    : [p - span, p + span];
  for (let i = 0; i <= 80; i++) {
    const v = lo + ((hi - lo) * i) / 80;
    points.push([v, costAt(v)]);
    tangent.push([v, cost + (v - p) * slope]);
  }
  const moved = costAt(p + nudge);
  const predicted = cost + nudge * slope;
  const costs = points.map((q) => q[1]);
  const low = Math.min(...costs);
  const high = Math.max(...costs);
  const pad = (high - low) * 0.3 + 1e-6;
  lineChart(
    canvas,
    [
      { points, color: SERIES[7], label: "the cost C" },
      { points: tangent, color: SERIES[1], dash: [5, 4], label: "its tangent line here" },
    ],
    {
      xLabel: label, // the legend names the lines
      yLabel: "C",
      yRange: [Math.max(low - pad, Math.min(low, 0)), high + pad],
      marks: [
        { x: p, y: cost, color: "#93a0b8" },
        { x: p + nudge, y: moved, color: "#ffd54a", label: "nudged" },
        { x: p + nudge, y: predicted, color: "#4fc3ff", radius: 4 },
      ],
    },
  );
  const ratio = nudge ? (moved - cost) / nudge : slope;
  text.textContent = nudge
    ? `Nudged by ${signed(nudge, 3)}: C goes ${num(cost, 5)} → ${num(moved, 5)} (ΔC = ${signed(moved - cost, 3)}); the tangent predicts ${signed(predicted - cost, 3)}. ΔC/Δ = ${num(ratio, 5)} vs ∂C/∂${label} = ${num(slope, 5)}: the smaller the nudge, the closer.`
    : `∂C/∂${label} = ${num(slope, 6)}: move the slider to nudge it.`;
}

// a⁰ → a¹ → a² → a³ → C as discs lit by their activations, edges as thick as |w|.
function drawChain(canvas, values, r) {
  const acts = [values.x, ...r.a];
  const ws = [values.w1, values.w2, values.w3];
  const texts = {
    weights: ws.map((w, i) => `w${sup(i + 1)} = ${num(w, 2)}`),
    acts: acts.map((a, i) => `a${sup(i)} = ${num(a, 3)}`),
    cost: ["C = (a³ − y)²", `= ${num(r.cost, 4)}`],
  };
  const ctx = canvas.getContext("2d");
  ctx.font = FONT;
  const layout = chainPictureLayout(canvas.clientWidth, texts, (t) => ctx.measureText(t).width);
  canvas.classList.toggle("tall", layout.vertical); // a phone: the chain runs down the page
  const sized = fit(canvas);
  if (!sized) return;
  const { discs, labels } = layout;
  const along = layout.vertical ? [0, 1] : [1, 0];
  ws.forEach((w, i) => {
    ctx.strokeStyle = w >= 0 ? "rgba(64,220,120,0.9)" : "rgba(240,72,72,0.9)";
    ctx.lineWidth = 1 + Math.min(6, Math.abs(w));
    ctx.beginPath();
    ctx.moveTo(discs[i].x + along[0] * 18, discs[i].y + along[1] * 18);
    ctx.lineTo(discs[i + 1].x - along[0] * 18, discs[i + 1].y - along[1] * 18);
    ctx.stroke();
  });
  acts.forEach((a, i) => {
    const v = Math.min(1, Math.max(0, a));
    ctx.beginPath();
    ctx.arc(discs[i].x, discs[i].y, 18, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
    ctx.fill();
    ctx.strokeStyle = "#56617a";
    ctx.lineWidth = 1;
    ctx.stroke();
  });
  ctx.font = FONT;
  const colour = { weight: "#c8d0e0", act: "#e6ebf5", cost: "#ffd54a" };
  for (const label of labels) {
    ctx.fillStyle = colour[label.kind];
    ctx.textAlign = label.align;
    ctx.fillText(label.text, label.x, label.y);
  }
}

// A number line for each z (−8…8), a (0…1) and C (0…1), numbered at both ends and the middle,
// the current value marked; a value beyond the line sits at its end as an arrow, "beyond".
function drawNumberLines(canvas, r) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const rows = [
    ...r.z.map((v, i) => [`z${sup(i + 1)}`, v, -8, 8]),
    ...r.a.map((v, i) => [`a${sup(i + 1)}`, v, 0, 1]),
    ["C", r.cost, 0, 1],
  ];
  const h = height / rows.length;
  const left = 40;
  const right = width - 110; // room for "−12.3 (beyond)"
  const at = (t, lo, hi) => left + ((t - lo) / (hi - lo)) * (right - left);
  rows.forEach(([name, v, lo, hi], i) => {
    const y = h * (i + 0.5) - 4;
    ctx.strokeStyle = "#3a4660";
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "center";
    for (const t of [lo, (lo + hi) / 2, hi]) {
      ctx.fillStyle = "#56617a";
      ctx.fillRect(at(t, lo, hi) - 0.5, y - 4, 1, 8);
      ctx.fillStyle = "#93a0b8";
      ctx.fillText(num(t, Number.isInteger(t) ? 0 : 1), at(t, lo, hi), y + 14);
    }
    const beyond = v < lo ? -1 : v > hi ? 1 : 0;
    const x = at(Math.min(hi, Math.max(lo, v)), lo, hi);
    ctx.fillStyle = name === "C" ? "#ffd54a" : name.startsWith("z") ? "#4fc3ff" : "#e6ebf5";
    ctx.beginPath();
    if (beyond) {
      // an arrowhead past the end: the value is off this line
      ctx.moveTo(x + beyond * 10, y);
      ctx.lineTo(x, y - 6);
      ctx.lineTo(x, y + 6);
    } else ctx.arc(x, y, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = "right";
    ctx.fillText(name, left - 8, y + 4);
    ctx.textAlign = "left";
    ctx.fillText(
      `${num(v, 3)}${beyond ? " (beyond)" : ""}`,
      right + 8 + (beyond > 0 ? 10 : 0),
      y + 4,
    );
  });
}
