// The Backprop view (chapter 3): what one example asks of every layer. The cost term by term,
// the output's desired nudges, the three ways to move one output neuron, each hidden layer's
// nudges as the sum of the wishes of the neurons it feeds, the first layer's weight changes,
// this example's step with η, and (with the server) the averaging over a mini-batch. Every
// number comes from backprop-math.js on the loaded model, so it works in the exported page too.

import { FIRST_LAYER_SHOWN, PIXELS } from "./constants.js";
import { argmax } from "./network.js";
import { backprop, costName, forwardAll, oneHot, costTerms, takeStep } from "./backprop-math.js";
import { GREEN, RED, drawGray } from "./render.js";
import {
  Latency,
  PALETTE,
  button,
  drawSigned,
  el,
  fit,
  labelEvery,
  labelPicker,
  legend,
  lineChart,
  num,
  pairedBars,
  rgb,
  section,
  signed,
  signedBars,
  scroller,
  spoken,
  sub,
  whenShown,
} from "./chapters.js";
import { SERIES } from "./chart.js";
import { count, counted, value } from "./format.js";

const SHADE = 0.42; // the averaging cells' strongest tint: their text keeps a 4.5:1 contrast
const OTHERS = 8; // held-out digits shown moving with this example's step

export class BackpropView {
  constructor(root, example, { samples = null } = {}) {
    this.root = root;
    this.example = example;
    this.model = null; // the loaded model
    this.working = null; // the model after the steps taken here ("Back to the loaded model")
    this.steps = 0;
    this.neuron = null; // the output neuron whose three ways are shown (null: the label)
    this.others = samples; // held-out digits [{label, pixels_255}], fetched once when served
    this.lastStep = null;
    this.clicked = []; // parameters the user added to the averaging table
    this.latency = new Latency();
    this.build();
    example.onChange((_, what) => {
      this.lastStep = null;
      this.neuron = null; // the chosen output belonged to the old example or label
      if (what === "example") this.forgetAverages();
      this.update();
    });
    whenShown(root, () => this.update());
  }

  build() {
    const r = this.root;
    this.convention = el("p", { className: "convention" });
    this.label = labelPicker("backprop-label", (d, e) =>
      this.latency.measure(e, () => this.chooseLabel(d)),
    );
    const top = this.example.topBar(
      this.label,
      el("span", { className: "muted" }, "the digit this example should be"),
    );
    // 1. the cost, term by term, and the output's nudges
    this.outputs = el("div", {
      className: "bp-outputs",
      role: "group",
      "aria-label": "The ten outputs",
    });
    this.costSum = el("p", { className: "cost-sum", "aria-live": "polite" });
    this.nudgeCanvas = el("canvas", { className: "chart short", role: "img" });
    const costSection = section(
      "The cost of this example, term by term",
      "Each output's term is how far it is from what the label wants (1 for the label, 0 for the others). The desired nudges −∂C/∂a are the arrows: up for the label, down for the others, as long as their real size. Click an output to see the three ways to move it.",
      el(
        "div",
        { className: "bp-cost" },
        el("div", {}, this.outputs, this.costSum),
        el(
          "figure",
          { className: "chart-figure" },
          this.nudgeCanvas,
          el("figcaption", {}, "desired nudges of the outputs, −∂C/∂aᴸ"),
        ),
      ),
    );
    // 2. three ways to move one output neuron
    this.waysTitle = el("h3");
    this.waysBias = el("p");
    this.waysWeights = el("canvas", { className: "chart short", role: "img" });
    this.waysActivations = el("canvas", { className: "chart short", role: "img" });
    this.waysWeightsText = el("p", { className: "muted" });
    // the keyboard's way to what a click on a bar does
    this.addFrom = el("input", { type: "number", min: 0, value: 0, className: "eta" });
    const add = button("Add to the averaging table");
    add.addEventListener("click", () => this.addWeight(Number(this.addFrom.value)));
    this.addWeightControls = el(
      "div",
      { className: "buttons" },
      el("label", {}, "the weight from neuron ", this.addFrom),
      add,
    );
    this.waysActivationsText = el("p", { className: "muted" });
    this.waysWeights.addEventListener("click", (e) => this.clickWeight(e));
    const waysSection = section(
      "Three ways to move one output",
      "An output moves with its z = Σₖ wⱼₖ aₖ + bⱼ, and z with three kinds of knobs.",
      this.waysTitle,
      el(
        "div",
        { className: "ways" },
        el("div", {}, el("h4", {}, "1. its bias"), this.waysBias),
        el(
          "div",
          {},
          el("h4", {}, "2. its weights, in proportion to aₖ"),
          this.waysWeights,
          this.waysWeightsText,
          this.addWeightControls,
        ),
        el(
          "div",
          {},
          el("h4", {}, "3. the previous activations, in proportion to wⱼₖ"),
          this.waysActivations,
          this.waysActivationsText,
        ),
      ),
    );
    // 3. each hidden layer's nudges as the sum of the wishes of the layer above
    this.sums = el("div", { className: "sums" });
    const sumSection = section(
      "The previous layer's nudges: every neuron's wishes, added up",
      "For each hidden neuron k, the bars stacked in its column are the wishes −wⱼₖ σ′(zⱼ) ∂C/∂aⱼ of every neuron j it feeds (one colour each); the white mark is their total, the nudge that neuron is asked for. Then the same again, one layer further back: propagating backwards.",
      this.sums,
    );
    // 4. the first layer's weight changes
    this.firstLayer = el("div", { className: "pairs" });
    const firstSection = section(
      "Hidden layer 1's weight changes for this example",
      "Each pair is one neuron of hidden layer 1: left, its current weights; right, its desired weight changes −∂C/∂wⱼₖ = −δⱼ aₖ, a copy of the input, green where its weights should grow, red where they should shrink (all changes on one scale).",
      this.firstLayer,
    );
    // 5. the step
    this.eta = el("input", {
      type: "number",
      min: 0,
      step: "any",
      value: 3,
      className: "eta",
      "aria-label": "Step size η",
    });
    this.apply = button("Take this example's step", { dataset: { testid: "apply-step" } });
    this.reset = button("Back to the loaded model", { disabled: true });
    this.stepStatus = el("p", { "aria-live": "polite" });
    this.stepChart = el("canvas", {
      className: "chart short",
      role: "img",
      "aria-label": "This example's ten outputs before and after the step",
    });
    this.stepLegend = el("div");
    this.otherThumbs = el("div", { className: "thumbs" });
    this.apply.addEventListener("click", (e) => this.latency.measure(e, () => this.takeStep()));
    this.reset.addEventListener("click", (e) => this.latency.measure(e, () => this.backToLoaded()));
    const stepSection = section(
      "Take this example's step",
      "θ ← θ − η ∇Cₓ with this one example's gradient: its own outputs move towards the label, and every other digit's outputs move too. The steps stay in this view until you go back to the loaded model.",
      el("div", { className: "buttons" }, el("label", {}, "η ", this.eta), this.apply, this.reset),
      this.stepStatus,
      el(
        "div",
        { className: "bp-step" },
        el(
          "div",
          {},
          el("h3", { className: "minor" }, "this example's outputs"),
          this.stepChart,
          this.stepLegend,
        ),
        el(
          "div",
          {},
          el(
            "h3",
            { className: "minor" },
            "held-out digits: their own label's output, before → after the last step",
          ),
          this.otherThumbs,
        ),
      ),
    );
    // 6. averaging over a mini-batch (server)
    this.batchSize = el("input", {
      type: "number",
      min: 1,
      max: 32,
      value: 8,
      "aria-label": "Training images to average with this example",
    });
    this.averageButton = button("Average over a mini-batch");
    this.averageStatus = el("p", { className: "muted", "aria-live": "polite" });
    this.averageTable = scroller("Each image's wish for each parameter, and their average");
    this.cosineButton = button("Measure how well mini-batches aim");
    this.cosineStatus = el("p", { className: "muted", "aria-live": "polite" });
    this.cosineChart = el("canvas", {
      className: "chart short",
      role: "img",
      hidden: true, // until measured
      "aria-label":
        "How closely a mini-batch's gradient points along the whole training set's, for mini-batches of 1 to 1,000 images",
    });
    this.averageButton.addEventListener("click", () => this.average());
    this.cosineButton.addEventListener("click", () => this.cosine());
    const averageSection = section(
      "Averaging: a mini-batch's step",
      "Rows: the parameters with the largest average desired change (and any weight you click in chart 2 above). Columns: this example and real training images; each cell is that example's wish −∂Cₓ/∂θ, the last column their average, the mini-batch's step. Beside it: how closely a mini-batch's gradient points along the whole training set's, by batch size.",
      this.example.served
        ? el(
            "div",
            {},
            el(
              "div",
              { className: "buttons" },
              el("label", {}, "training images ", this.batchSize),
              this.averageButton,
            ),
            this.averageStatus,
            el(
              "div",
              { className: "bp-average" },
              this.averageTable,
              el("div", {}, this.cosineButton, this.cosineStatus, this.cosineChart),
            ),
          )
        : el(
            "p",
            { className: "muted" },
            "The averaging needs MNIST images: run digitnet serve and open this view there.",
          ),
    );
    r.replaceChildren(
      this.convention,
      top,
      costSection,
      waysSection,
      sumSection,
      firstSection,
      stepSection,
      averageSection,
    );
  }

  setModel(model) {
    this.model = model;
    this.working = model;
    this.steps = 0;
    this.lastStep = null;
    this.neuron = null;
    this.reset.disabled = true;
    this.weightBars = null;
    this.forgetAverages();
    this.cosineStatus.textContent = ""; // measured on the old model
    this.cosineChart.hidden = true;
    delete this.cosineChart.dataset.points;
    this.buildSums();
    this.buildFirstLayer();
    this.convention.textContent = `This model's cost: ${costName(model)}. Every number here is computed from its ${model.sizes.join("-")} weights for the example chosen below.`;
    this.update();
  }

  currentLabel() {
    return this.example.labelFor(this.working);
  }

  chooseLabel(d) {
    this.example.setLabel(d);
  }

  // The averaging table's columns and clicked rows belong to one example and one model.
  forgetAverages() {
    this.clicked = [];
    this.averageTable.replaceChildren();
    this.averageStatus.textContent = "";
  }

  update() {
    if (!this.working || this.root.hidden) return;
    const label = this.currentLabel();
    this.label.value = String(label);
    const result = backprop(this.working, this.example.x, label);
    this.result = result;
    this.showCost(result, label);
    this.showWays(result, this.neuron ?? label);
    this.showSums(result);
    this.showFirstLayer(result);
    this.showStep(result, label);
  }

  showCost(result, label) {
    const a = result.activations.at(-1);
    const nudges = result.nudges.at(-1);
    const best = argmax(a);
    if (this.outputs.children.length !== a.length) {
      this.outputs.replaceChildren(
        el(
          "div",
          { className: "bp-row head", "aria-hidden": "true" },
          ...[
            "digit",
            "output aⱼ",
            "yⱼ",
            this.model.cost === "cross-entropy" ? "−yⱼ ln aⱼ" : "(aⱼ − yⱼ)²",
            "nudge",
          ].map((t) => el("span", { textContent: t })),
        ),
        ...Array.from(a, (_, d) => {
          const row = el(
            "button",
            {
              type: "button",
              className: "bp-row",
              dataset: { testid: "backprop-output", digit: String(d) },
            },
            // the row's name is its text: the hidden words say what each number is
            el("span", { className: "digit" }, spoken("output "), String(d)),
            el("span", { className: "track" }, el("span", { className: "fill" }), spoken("")),
            el("span", { className: "y" }),
            el("span", { className: "term" }),
            el("span", { className: "nudge" }),
          );
          row.addEventListener("click", (e) => this.latency.measure(e, () => this.chooseNeuron(d)));
          return row;
        }),
      );
    }
    const rows = Array.from(this.outputs.querySelectorAll("[data-testid=backprop-output]"));
    const shown = this.neuron ?? label;
    rows.forEach((row, d) => {
      row.dataset.value = a[d].toFixed(6);
      row.classList.toggle("wanted", d === label);
      row.classList.toggle("best", d === best);
      row.setAttribute("aria-pressed", String(d === shown));
      row.querySelector(".fill").style.width =
        `${(100 * Math.min(1, Math.max(0, a[d]))).toFixed(1)}%`;
      row.querySelector(".track .sr-only").textContent = `: a = ${a[d].toFixed(3)}, y = `;
      row.querySelector(".y").textContent = String(result.target[d]);
      row.querySelector(".term").replaceChildren(spoken(", cost term "), num(result.cost_terms[d]));
      const nudge = row.querySelector(".nudge");
      nudge.replaceChildren(
        spoken(", nudge "),
        `${nudges[d] >= 0 ? "▲" : "▼"} ${signed(nudges[d])}`,
      );
      nudge.className = `nudge ${nudges[d] >= 0 ? "up" : "down"}`;
    });
    this.costSum.textContent = `C = Σ of the terms = ${num(result.cost, 5)}   (answer ${best}, label ${label})`;
    signedBars(this.nudgeCanvas, nudges, {
      labels: [...Array(nudges.length).keys()],
      highlight: label,
    });
    this.nudgeCanvas.setAttribute(
      "aria-label",
      `desired nudges: ${Array.from(nudges, (v, d) => `${d}: ${signed(v)}`).join(", ")}`,
    );
  }

  chooseNeuron(d) {
    this.neuron = d;
    this.update();
  }

  showWays(result, j) {
    const L = this.model.sizes.length - 1;
    const delta = result.deltas[L - 1][j];
    const prev = result.activations[L - 1];
    const nIn = prev.length;
    const W = this.working.weights[L - 1];
    const nudge = result.nudges[L - 1][j];
    const softmax = this.model.cost === "cross-entropy";
    this.waysTitle.textContent = `Output ${j} wants to move by ${signed(nudge)} (${nudge >= 0 ? "up" : "down"}); through σ′ that asks its z to move by −δ = ${signed(-delta)}${softmax ? " (softmax: δⱼ = aⱼ − yⱼ)" : ` = −σ′(z) · ∂C/∂a`}.`;
    this.waysBias.textContent = `−∂C/∂b${sub(j)} = −δ${sub(j)} = ${signed(-delta)}: the bias moves z one for one, whatever the input.`;
    const weightWish = Array.from(prev, (a) => -delta * a);
    const activationWish = Array.from({ length: nIn }, (_, k) => -W[j * nIn + k] * delta);
    const labels = [...Array(nIn).keys()];
    this.weightBars = { j, nIn };
    this.addFrom.max = String(nIn - 1);
    signedBars(this.waysWeights, weightWish, { labels });
    stripUnder(this.waysWeights, prev, (v) => gray(v));
    signedBars(this.waysActivations, activationWish, { labels });
    const wTop = Math.max(
      1e-12,
      ...Array.from({ length: nIn }, (_, k) => Math.abs(W[j * nIn + k])),
    );
    stripUnder(
      this.waysActivations,
      Array.from({ length: nIn }, (_, k) => W[j * nIn + k]),
      (w) => rgb(w >= 0 ? GREEN : RED, Math.abs(w) / wTop),
    );
    const brightest = argmax(prev);
    const strongest = argmax(Array.from({ length: nIn }, (_, k) => Math.abs(W[j * nIn + k])));
    this.waysWeightsText.textContent = `−∂C/∂w${sub(j)}ₖ = −δ · aₖ. The squares under the bars are the aₖ: the brightest neuron (${brightest}, a = ${num(prev[brightest], 3)}) gets the biggest change: fire together, wire together. Click a bar, or name its neuron below, to add that weight to the averaging table.`;
    this.waysActivationsText.textContent = `−w${sub(j)}ₖ · δ: the squares are the weights w${sub(j)}ₖ (green +, red −); the strongest (from ${strongest}) asks its neuron for the biggest change. The previous layer cannot be moved directly: these wishes are passed back.`;
    this.waysWeights.setAttribute(
      "aria-label",
      `desired changes of output ${j}'s weights: ${weightWish.map((v, k) => `${k}: ${signed(v)}`).join(", ")}`,
    );
    this.waysActivations.setAttribute(
      "aria-label",
      `output ${j}'s wishes for the previous activations: ${activationWish.map((v, k) => `${k}: ${signed(v)}`).join(", ")}`,
    );
  }

  clickWeight(e) {
    if (!this.weightBars) return;
    const rect = this.waysWeights.getBoundingClientRect();
    this.addWeight(Math.floor(((e.clientX - rect.left) / rect.width) * this.weightBars.nIn));
  }

  /** The weight from neuron k into the output shown joins the averaging table's rows. */
  addWeight(k) {
    if (!this.weightBars || !(k >= 0 && k < this.weightBars.nIn)) return;
    const L = this.model.sizes.length - 1;
    const param = { kind: "weight", layer: L, to: this.weightBars.j, from: k };
    if (!this.clicked.some((p) => p.to === param.to && p.from === param.from))
      this.clicked.push(param);
    this.averageStatus.textContent = `Added the weight from neuron ${k} into output ${param.to}; press “Average over a mini-batch”.`;
  }

  // One figure per hidden layer (made once per model): a stacked chart of the wishes of the
  // neurons it feeds, their colours, and the largest nudge.
  buildSums() {
    const L = this.model.sizes.length - 1;
    this.sumCharts = [];
    const blocks = [];
    for (let l = L - 1; l >= 1; l--) {
      const n = this.model.sizes[l + 1]; // the neurons of layer l + 1, each with a wish
      const above = l + 1 === L ? "output" : `hidden ${l + 1}`;
      const colors = Array.from({ length: n }, (_, j) =>
        n <= PALETTE.length ? PALETTE[j] : `hsl(${(360 * j) / n}, 70%, 62%)`,
      );
      const canvas = el("canvas", { className: "chart", role: "img" });
      const largest = el("p", { className: "muted" });
      const back = l < L - 1 ? " (propagated backwards)" : "";
      blocks.push(
        el(
          "figure",
          { className: "chart-figure" },
          el(
            "figcaption",
            {},
            `hidden layer ${l}: each neuron's nudge as the sum of the wishes of the ${n} ${above} neurons it feeds${back}`,
          ),
          canvas,
          n <= PALETTE.length
            ? legend(
                colors.map((color, j) => ({
                  color,
                  label: `${above === "output" ? "digit" : "neuron"} ${j}`,
                })),
              )
            : el(
                "p",
                { className: "muted" },
                `one colour for each of the ${n} neurons of ${above}`,
              ),
          largest,
        ),
      );
      this.sumCharts.push({ l, canvas, largest, colors });
    }
    this.sums.replaceChildren(...blocks);
  }

  showSums(result) {
    for (const { l, canvas, largest, colors } of this.sumCharts) {
      const rows = result.contributions[l - 1]; // [j over layer l + 1][k over layer l]
      const wishes = rows.map((row) => Array.from(row, (v) => -v));
      const totals = result.nudges[l - 1];
      const biggest = argmax(Array.from(totals, Math.abs));
      stacked(canvas, wishes, totals, colors);
      largest.textContent = `Largest: neuron ${biggest} asked to move by ${signed(totals[biggest])}.`;
      canvas.setAttribute(
        "aria-label",
        `hidden layer ${l} nudges: ${Array.from(totals, (v, k) => `${k}: ${signed(v)}`).join(", ")}`,
      );
    }
  }

  // The first layer's pairs (made once per model): its current weights beside the changes.
  buildFirstLayer() {
    const n = Math.min(this.model.sizes[1], FIRST_LAYER_SHOWN);
    this.pairs = [];
    this.weightsDrawn = null; // the model whose weights the grids show
    if (this.model.sizes[0] !== PIXELS) {
      this.firstLayer.replaceChildren(
        el("p", { className: "muted" }, "Only 28×28 inputs are drawn as grids."),
      );
      return;
    }
    for (let j = 0; j < n; j++) {
      const now = el("canvas", {
        role: "img",
        "aria-label": `neuron ${j} of hidden layer 1: its weights`,
      });
      const wish = el("canvas", {
        role: "img",
        "aria-label": `neuron ${j} of hidden layer 1: its desired changes`,
      });
      const caption = el("figcaption");
      this.pairs.push({ now, wish, caption });
    }
    this.firstLayer.replaceChildren(
      ...this.pairs.map(({ now, wish, caption }) =>
        el(
          "figure",
          { className: "pair" },
          now,
          wish,
          el("span", { "aria-hidden": "true" }, "weights"),
          el("span", { "aria-hidden": "true" }, "change"),
          caption,
        ),
      ),
    );
  }

  showFirstLayer(result) {
    if (!this.pairs.length) return;
    const g = result.grad_weights[0];
    const nIn = this.model.sizes[0];
    const change = new Float64Array(this.pairs.length * nIn); // the shown neurons' −∂C/∂w
    let top = 1e-12;
    for (let i = 0; i < change.length; i++) {
      change[i] = -g[i];
      top = Math.max(top, Math.abs(g[i]));
    }
    const redraw = this.weightsDrawn !== this.working;
    this.pairs.forEach(({ now, wish, caption }, j) => {
      if (redraw) drawSigned(now, this.working.weights[0], j * nIn); // as the Weights view
      drawSigned(wish, change, j * nIn, top);
      caption.textContent = `neuron ${j}: −δ = ${signed(-result.deltas[0][j], 2)}`;
    });
    this.weightsDrawn = this.working;
  }

  // ---- the step -------------------------------------------------------------------------

  takeStep() {
    const eta = Number(this.eta.value);
    if (!(eta > 0) || !Number.isFinite(eta)) {
      this.stepStatus.textContent = "η must be a positive number.";
      return;
    }
    const label = this.currentLabel();
    const before = this.working;
    const result = backprop(before, this.example.x, label);
    this.working = takeStep(before, result, eta);
    this.steps += 1;
    this.lastStep = { before, after: this.working, eta, label };
    this.reset.disabled = false;
    this.update();
  }

  backToLoaded() {
    this.working = this.model;
    this.steps = 0;
    this.lastStep = null;
    this.reset.disabled = true;
    this.update();
  }

  showStep(result, label) {
    const s = this.lastStep;
    if (!s) {
      this.stepStatus.textContent = this.steps
        ? `${counted(this.steps, "step")} taken here; choose the example again or take another.`
        : "No step taken yet: the outputs above are the loaded model's.";
      const now = result.activations.at(-1);
      pairedBars(this.stepChart, [{ values: now, color: "#8fa3c7" }], [...now.keys()]);
      this.stepLegend.replaceChildren(legend([{ color: "#8fa3c7", label: "the outputs now" }]));
      this.showOthers(null);
      return;
    }
    const x = this.example.x;
    const outBefore = forwardAll(s.before, x).activations.at(-1);
    const outAfter = forwardAll(s.after, x).activations.at(-1);
    const cost = (out) =>
      costTerms(this.model, out, oneHot(s.label, out.length)).reduce((t, v) => t + v, 0);
    const [was, now] = [outBefore[s.label], outAfter[s.label]];
    let why = "";
    if (now < was && this.model.cost !== "cross-entropy") {
      const sp = was * (1 - was);
      why = ` It fell: output ${s.label} is nearly saturated (σ′(z) = a(1 − a) = ${num(sp, 4)}), so its own wish moved it little, while the other outputs' wishes, sent back through the hidden layers they share, moved it the other way. Take another step.`;
    } else if (now < was) {
      why = ` It fell: the other outputs' wishes, sent back through the hidden layers they share, outweighed its own. Take another step.`;
    }
    this.stepStatus.textContent = `Step ${this.steps} with η = ${s.eta}: output ${s.label} went ${num(was, 4)} → ${num(now, 4)}; this example's cost ${num(cost(outBefore), 4)} → ${num(cost(outAfter), 4)}.${why}`;
    pairedBars(
      this.stepChart,
      [
        { values: outBefore, color: "#5d6b86" },
        { values: outAfter, color: "#ffd54a" },
      ],
      [...outBefore.keys()],
    );
    this.stepLegend.replaceChildren(
      legend([
        { color: "#5d6b86", label: `before step ${this.steps}` },
        { color: "#ffd54a", label: `after step ${this.steps}` },
      ]),
    );
    this.showOthers(s);
  }

  async showOthers(s) {
    if (!this.others && this.example.served && !this.othersAsked) {
      this.othersAsked = true; // once: the same held-out digits for every step
      try {
        const r = await this.example.api("/api/backprop/step", {
          method: "POST",
          body: { pixels: Array.from(this.example.x), label: this.currentLabel(), others: OTHERS },
        });
        this.others = r.others;
      } catch (e) {
        this.otherThumbs.replaceChildren(
          el("p", { className: "muted" }, `Held-out digits unavailable: ${e.message}`),
        );
        return;
      }
    }
    if (!this.others) {
      if (!this.example.served) {
        this.otherThumbs.replaceChildren(
          el("p", { className: "muted" }, "This page was exported without MNIST test digits."),
        );
      }
      return;
    }
    if (!this.otherFigures) {
      this.otherFigures = this.others.map((o) => {
        const x = Float64Array.from(o.pixels_255, (v) => v / 255);
        const canvas = el("canvas", { role: "img", "aria-label": `a held-out ${o.label}` });
        drawGray(canvas, x);
        const caption = el("figcaption");
        return {
          x,
          label: o.label,
          caption,
          figure: el("figure", { className: "thumb" }, canvas, caption),
        };
      });
      this.otherThumbs.replaceChildren(...this.otherFigures.map((f) => f.figure));
    }
    const shown = s ?? this.working; // their outputs hang on the weights alone, not the label
    if (this.othersShown === shown) return;
    this.othersShown = shown;
    const after = s ? s.after : this.working;
    const before = s ? s.before : this.working;
    for (const { x, label, caption, figure } of this.otherFigures) {
      const a0 = forwardAll(before, x).activations.at(-1)[label];
      const a1 = s ? forwardAll(after, x).activations.at(-1)[label] : a0;
      caption.textContent = `${label}: ${s ? `${num(a0, 2)} → ${num(a1, 2)}` : num(a0, 2)}`;
      figure.className = `thumb ${!s || Math.abs(a1 - a0) < 5e-4 ? "" : a1 > a0 ? "up" : "down"}`;
    }
  }

  // ---- averaging (server) ----------------------------------------------------------------

  async average() {
    this.averageStatus.textContent = "Computing every example's gradient…";
    const [model, x] = [this.model, this.example.x];
    try {
      const r = await this.example.api("/api/averaging", {
        method: "POST",
        body: {
          batch_size: Number(this.batchSize.value),
          seed: Math.floor(Math.random() * 100000),
          pixels: Array.from(this.example.x),
          label: this.currentLabel(),
          top: 8,
          params: this.clicked,
        },
      });
      if (model !== this.model || x !== this.example.x) return; // another model or example came
      this.averageStatus.textContent = `${r.examples.length} examples; rows ranked by ${r.ranked_by}; cost: ${r.cost_function}.`;
      this.averageTable.replaceChildren(averagingTable(r));
    } catch (e) {
      this.averageStatus.textContent = `Failed: ${e.message}`;
    }
  }

  async cosine() {
    // the measurement is one request (7–20 s the first time, then cached): a running clock
    const started = performance.now();
    const progress = el("progress", { "aria-label": "Measuring" });
    const clock = el("span", {});
    const tick = () =>
      (clock.textContent = ` ${Math.round((performance.now() - started) / 1000)} s`);
    tick();
    const timer = setInterval(tick, 1000);
    this.cosineButton.disabled = true;
    this.cosineStatus.replaceChildren(
      progress,
      " Measuring: random mini-batches of each size, each compared with the gradient of the whole training set (7–20 s the first time, then remembered);",
      clock,
    );
    const model = this.model;
    try {
      // 1 to 1,000 images; a small training set (409: a batch bigger than the set) gets fewer
      let sizes = [1, 10, 100, 1000];
      let r = null;
      while (!r) {
        try {
          r = await this.example.api("/api/gradient/cosine", {
            method: "POST",
            body: { batch_sizes: sizes, draws: 50 },
          });
        } catch (e) {
          if (e.status !== 409 || sizes.length <= 2) throw e;
          sizes = sizes.slice(0, -1);
        }
      }
      if (model !== this.model) return; // measured on another model
      this.cosineStatus.textContent = cosineMeaning(r);
      const points = r.cosine.map((c) => [c.batch_size, c.mean]);
      this.cosineChart.hidden = false;
      const colour = SERIES[1];
      lineChart(
        this.cosineChart,
        [
          { points, color: colour, dots: true, label: `mean of ${r.draws} random batches` },
          {
            points: r.cosine.map((c) => [c.batch_size, c.mean + c.std]),
            color: colour,
            dash: [2, 3],
            width: 1,
            label: "± one standard deviation",
          },
          {
            points: r.cosine.map((c) => [c.batch_size, Math.max(c.mean - c.std, -1)]),
            color: colour,
            dash: [2, 3],
            width: 1,
          },
        ],
        { xLabel: "mini-batch size", yLabel: "cosine", logX: true, yRange: [0, 1] },
      );
      this.cosineChart.dataset.points = String(points.length);
    } catch (e) {
      this.cosineStatus.textContent = `Failed: ${e.message}`;
    } finally {
      clearInterval(timer);
      this.cosineButton.disabled = false;
    }
  }
}

// What the cosines say, beside the video's words: 1 is the same direction, 0 unrelated; each
// batch size's mean as an angle.
function cosineMeaning(r) {
  const angle = (c) => `${Math.round((Math.acos(Math.min(1, Math.max(-1, c))) * 180) / Math.PI)}°`;
  const said = r.cosine
    .map((c) => `${count(c.batch_size)}: cos ${value(c.mean)} (${angle(c.mean)} off)`)
    .join("; ");
  return (
    `The video calls a mini-batch's gradient "a pretty good approximation" of the whole set's. ` +
    `Measured against the gradient of ${count(r.n_images)} training images (1 = the same direction, ` +
    `0 = no better than a random one), mean over ${r.draws} random batches of each size — ${said}. ` +
    "These are the served model's: near its minimum the whole set's gradient is small and a " +
    "batch's is mostly the pull of its own few examples, so a batch aims far better early in " +
    "training, where the video's words are about."
  );
}

const gray = (v) => {
  const g = Math.round(40 + 215 * Math.min(1, Math.max(0, v)));
  return `rgb(${g},${g},${g})`;
};

// Small squares under a bar chart, one per bar: what the bars are proportional to.
function stripUnder(canvas, values, color) {
  const sized = {
    ctx: canvas.getContext("2d"),
    width: canvas.clientWidth,
    height: canvas.clientHeight,
  };
  if (!sized.width) return;
  const slot = sized.width / values.length;
  const size = Math.min(12, slot * 0.6);
  values.forEach((v, i) => {
    sized.ctx.fillStyle = color(v);
    sized.ctx.fillRect(slot * (i + 0.5) - size / 2, sized.height - 18 - size - 2, size, size);
  });
}

// Columns of stacked signed contributions (positive up, negative down) and their total.
function stacked(canvas, wishes, totals, colors) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const n = totals.length;
  let top = 1e-12;
  for (let k = 0; k < n; k++) {
    let up = 0;
    let down = 0;
    for (const row of wishes) row[k] > 0 ? (up += row[k]) : (down -= row[k]);
    top = Math.max(top, up, down);
  }
  const bottom = 18;
  const mid = (height - bottom) / 2;
  const scale = (mid - 6) / top;
  const slot = width / n;
  const bar = slot * 0.6;
  ctx.strokeStyle = "#3a4660";
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(width, mid);
  ctx.stroke();
  // Each column stacks the wishes in the order of the rows; drawn one colour (row) at a time,
  // as one path: a wide layer has tens of thousands of pieces, and a fill per piece is slow.
  const xs = Array.from({ length: n }, (_, k) => slot * k + (slot - bar) / 2);
  const up = new Float64Array(n).fill(mid);
  const down = new Float64Array(n).fill(mid);
  wishes.forEach((row, j) => {
    ctx.fillStyle = colors[j];
    ctx.beginPath();
    for (let k = 0; k < n; k++) {
      const h = Math.abs(row[k]) * scale;
      let y = down[k]; // a negative wish hangs below the ones before it
      if (row[k] >= 0) y = up[k] -= h;
      else down[k] += h;
      if (h >= 0.05) ctx.rect(xs[k], y, bar, h); // thinner pieces would not show
    }
    ctx.fill();
  });
  ctx.fillStyle = "#ffffff";
  for (let k = 0; k < n; k++) ctx.fillRect(xs[k] - 3, mid - totals[k] * scale - 1.5, bar + 6, 3);
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillStyle = "#93a0b8";
  for (let k = 0; k < n; k += labelEvery(slot))
    ctx.fillText(String(k), slot * (k + 0.5), height - 4);
  ctx.textAlign = "left";
  ctx.fillText(`±${value(top)}`, 4, 12);
}

function averagingTable(r) {
  const table = el("table", { className: "averaging" });
  const head = el("tr", {}, el("th", { textContent: "parameter" }));
  for (const ex of r.examples) {
    const canvas = el("canvas", {
      role: "img",
      "aria-label": ex.split === "drawing" ? "your drawing" : `training image ${ex.index}`,
    });
    drawGray(canvas, ex.pixels_255, 255);
    head.append(
      el(
        "th",
        {},
        canvas,
        el("div", {
          textContent: `${ex.split === "drawing" ? "drawing" : "#" + ex.index}: ${ex.label}`,
        }),
      ),
    );
  }
  head.append(el("th", { className: "key", textContent: "average" }));
  table.append(head);
  for (const row of r.rows) {
    const top = Math.max(1e-12, ...row.values.map(Math.abs));
    const tr = el("tr", {}, el("th", { scope: "row", textContent: row.name }));
    for (const v of row.values) {
      tr.append(
        el("td", {
          textContent: signed(v, 2),
          dataset: { value: String(v) },
          style: `background:${rgb(v >= 0 ? GREEN : RED, (SHADE * Math.abs(v)) / top)}`,
        }),
      );
    }
    const average = signed(row.average, 2);
    tr.append(
      el("td", {
        className: "avg key",
        textContent: average,
        dataset: { value: String(row.average) },
      }),
    );
    table.append(tr);
  }
  return table;
}
