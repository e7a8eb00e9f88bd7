// The Gradient descent view (chapter 2): the gradient's 13,002 components ranked by size with
// the top 1% and 10% shares per layer, the diagram's edges coloured by the desired changes, the
// first layer's gradient rows as grids, the cost along the negative gradient with η's landing
// point; with the server, the same for a mini-batch, the cost landscape around the trained
// weights with the training paths, and what the neurons of each layer really look for.

import { FIRST_LAYER_SHOWN, PIXELS } from "./constants.js";
import { argmax, countParams } from "./network.js";
import { backprop, costName, largestComponents } from "./backprop-math.js";
import { layerName, pickName } from "./chain-math.js";
import { gradientNorm, lineSlice, overshoot, rankedMagnitudes, shares } from "./gradient-math.js";
import { SERIES } from "./chart.js";
import { change, count, percent, seconds, setting, value } from "./format.js";
import { placeLabels } from "./place-labels.js";
import {
  Latency,
  button,
  drawSigned,
  el,
  fit,
  labelPicker,
  lineChart,
  scroller,
  section,
  whenShown,
} from "./chapters.js";
import { PickDiagram, PickInputs } from "./pick-diagram.js";
import { outlined, paintSlice } from "./slice.js";
import { drawGray } from "./render.js";

const TOP_LISTED = 10;
const DIRECTIONS = [
  ["random", "two random directions (filter-normalised)"],
  ["path", "the recorded training path's principal plane"],
  ["optimizers", "four optimizers from the same start"],
];
// the paths' colours, in path order: the palette's that stand out on the landscape's
// blue-green-yellow (white is the initial→trained line's)
const PATH_COLOURS = [0, 1, 4, 5, 6].map((i) => SERIES[i]);
const pathColor = (i) => PATH_COLOURS[i % PATH_COLOURS.length];

export class GradientView {
  constructor(root, example) {
    this.root = root;
    this.example = example;
    this.model = null;
    this.batch = null; // the server's /api/gradient answer for a mini-batch, or null: this example
    this.latency = new Latency();
    this.build();
    example.onChange(() => {
      this.batch = null;
      this.scope.value = "example";
      this.showScope();
      this.update();
    });
    whenShown(root, () => this.update());
  }

  build() {
    const served = this.example.served;
    this.convention = el("p", { className: "convention" });
    this.label = labelPicker("gradient-label", (d, e) =>
      this.latency.measure(e, () => this.example.setLabel(d)),
    );
    this.scope = el(
      "select",
      {},
      new Option("this example", "example"),
      ...(served ? [new Option("a mini-batch of random training images", "batch")] : []),
    );
    this.batchSize = el("input", { type: "number", min: 1, max: 1000, value: 100 });
    this.batchSizeLabel = el("label", { hidden: true }, "images ", this.batchSize);
    this.scopeStatus = el("span", { className: "muted", "aria-live": "polite" });
    this.scope.addEventListener("change", () => this.chooseScope());
    this.batchSize.addEventListener("change", () => this.chooseScope());
    this.summary = el("p", { "aria-live": "polite", dataset: { testid: "gradient-summary" } });
    // ranked components
    this.rankChart = el("canvas", {
      className: "chart",
      role: "img",
      "aria-label":
        "Every component of the gradient, |∂C/∂θ| against its rank, largest first (the table beside gives the numbers)",
    });
    this.sharesTable = el("table", { className: "shares" });
    this.topList = el("ol", { className: "top-list" });
    const ranked = section(
      "Which knobs matter: the components ranked by size",
      "The gradient has one component per weight and bias. Sorted by size, a few matter a lot and most hardly at all (a weight from a black pixel gets exactly none). The table gives the share of each layer's total |∂C/∂θ| held by its largest 1% and 10%.",
      el(
        "div",
        { className: "gd-ranked" },
        el(
          "figure",
          { className: "chart-figure" },
          this.rankChart,
          (this.zerosNote = el("figcaption", { hidden: true })),
        ),
        el(
          "div",
          {},
          scroller("Each layer's share of the gradient", this.sharesTable),
          el("h3", {
            className: "minor",
            textContent: "the largest components, as desired changes −∂C/∂θ",
          }),
          el("p", {
            className: "muted",
            textContent: "+ (green) to grow, − (red) to shrink: the diagram's colours.",
          }),
          this.topList,
        ),
      ),
    );
    // the diagram and the first layer's rows
    this.diagram = PickDiagram.inCanvas(
      "The network, each neuron's incoming edges with the largest desired changes: green to grow, red to shrink",
      (hit, e) => this.latency.measure(e, () => this.pickEdge(hit)),
    );
    this.edgePick = new PickInputs(
      (e) =>
        this.latency.measure(e, () =>
          this.pickEdge({ kind: "edge", ...this.edgePick.read("weight") }),
        ),
      "gradient-edge",
    );
    this.edgeInfo = el("p", {
      className: "muted",
      "aria-live": "polite",
      textContent: "Click an edge, or name a weight, to see its component.",
    });
    this.grids = el("div", { className: "grids small" });
    const pictures = section(
      "Where the gradient points",
      "The diagram shows each neuron's incoming edges with the largest desired changes −∂C/∂w, green to grow, red to shrink, brighter for bigger. Below, each neuron of hidden layer 1: its 784 components as a 28×28 grid, all on one scale.",
      this.diagram.canvas,
      el("div", { className: "buttons" }, "A weight: ", ...this.edgePick.labels),
      this.edgeInfo,
      this.grids,
    );
    // the 1-D slice
    this.eta = el("input", {
      type: "number",
      min: 0,
      step: "any",
      value: 3,
      "aria-label": "Step size η",
    });
    this.eta.addEventListener("input", (e) => this.latency.measure(e, () => this.showSlice()));
    this.sliceChart = el("canvas", {
      className: "chart",
      role: "img",
      "aria-label":
        "The cost along the negative gradient against the step t, with its tangent line and the step η marked (the text above gives the numbers)",
      dataset: { testid: "gradient-slice" },
    });
    this.sliceText = el("p", { "aria-live": "polite" });
    const slice = section(
      "One step along the negative gradient",
      "The real cost C(θ − t ∇C) as t grows, beside its tangent line C(θ) − t ‖∇C‖². A step of learning rate η moves to t = η: the steeper the slope, the longer the step. Where the curve leaves the tangent, a big η overshoots the valley's floor and a small one stops short.",
      el("div", { className: "buttons" }, el("label", {}, "η ", this.eta)),
      this.sliceText,
      this.sliceChart,
    );
    // the landscape (server)
    this.landscapeKind = el("select", { "aria-label": "Directions of the slice" });
    this.landscapeOffer = el("p", { className: "muted" });
    this.landscapeImages = el("input", {
      type: "number",
      min: 100,
      max: 60000,
      step: 100,
      "aria-label": "Training images in the cost",
    });
    this.landscapeButton = button("Draw the landscape", { dataset: { testid: "landscape-run" } });
    this.landscapeStatus = el("p", { className: "muted", "aria-live": "polite" });
    this.landscapeCanvas = el("canvas", {
      className: "landscape",
      role: "img",
      "aria-label":
        "The cost landscape: contours of the cost over a plane through the weights, with the training paths drawn on it (the text beside gives the numbers)",
      hidden: true,
      dataset: { testid: "landscape" },
    });
    this.landscapeFacts = el("div", {});
    this.pathCurves = el("canvas", {
      className: "chart",
      role: "img",
      hidden: true, // until a landscape with paths comes
      "aria-label": "Each path's true cost and the slice's value along the way",
      dataset: { testid: "landscape-curves" },
    });
    this.lineCurve = el("canvas", {
      className: "chart short",
      role: "img",
      "aria-label": "The cost along the straight line from the initial to the trained weights",
      hidden: true,
    });
    this.landscapeButton.addEventListener("click", () => this.landscape());
    const landscape = section(
      "The cost landscape around the trained weights",
      "A 2-D slice of the real cost (training images, unshifted) through the model's weights θ*: C(θ* + α d₁ + β d₂), contours log-spaced; “four optimizers” centres it on the initial weights instead, where they all start. Paths are projected onto the slice: each path's true cost is given beside the slice's value where it ends and along the way (right), and a marker is hollow where the point lies off the plane by more than a tenth of the path's travel.",
      servedPart(
        served,
        [
          el("label", {}, "directions ", this.landscapeKind),
          el("label", {}, "images (default 10,000; optimizers 1,000) ", this.landscapeImages),
          this.landscapeButton,
        ],
        [
          this.landscapeOffer,
          this.landscapeStatus,
          el(
            "div",
            { className: "gd-landscape" },
            this.landscapeCanvas,
            el("div", {}, this.landscapeFacts, this.pathCurves, this.lineCurve),
          ),
        ],
        "The landscape needs the training images and some seconds of NumPy: run digitnet serve and open this view there.",
        { dataset: { testid: "landscape-offline" } },
      ),
    );
    // the neurons (server)
    this.neuronPick = new PickInputs(() => this.neuronOut.replaceChildren(), "gradient-neuron");
    this.neuronButton = button("Show what it looks for");
    this.neuronOut = el("div", { "aria-live": "polite" });
    this.neuronButton.addEventListener("click", () => this.neuron());
    const neurons = section(
      "What the layers really look for",
      "The hope was that hidden layer 1 finds little edges and hidden layer 2 loops and lines. For any neuron: the test digits that excite it most (ranked by z, before the squashing), which labels they carry, and for a neuron of hidden layer 2 its incoming weights' combination of hidden layer 1's patterns.",
      servedPart(
        served,
        [...this.neuronPick.labels, this.neuronButton],
        [this.neuronOut],
        "Needs the test images: run digitnet serve and open this view there.",
      ),
    );
    this.top = this.example.topBar(
      this.label,
      el("label", {}, "Gradient of ", this.scope),
      this.batchSizeLabel,
      this.scopeStatus,
    );
    this.root.replaceChildren(
      this.convention,
      this.top,
      this.summary,
      ranked,
      pictures,
      slice,
      landscape,
      neurons,
    );
  }

  setModel(model) {
    this.model = model;
    this.offerDirections(model.landscape_directions);
    this.batch = null;
    this.scope.value = "example";
    this.showScope();
    const L = model.sizes.length - 1;
    // every choice made on the old model goes: the picks, the answers fetched for it
    this.wish = null;
    this.edgePick.show(model, { kind: "weight", layer: L, to: 0, from: 0 });
    this.edgeInfo.textContent = "Click an edge, or name a weight, to see its component.";
    this.neuronPick.show(model, { kind: "bias", layer: Math.max(1, Math.min(2, L - 1)), to: 0 });
    this.neuronOut.replaceChildren();
    this.landscapeCanvas.hidden = true;
    this.landscapeFacts.replaceChildren();
    this.landscapeStatus.textContent = "";
    this.pathCurves.hidden = this.lineCurve.hidden = true;
    this.convention.textContent = `This model's cost: ${costName(model)}; the cost of a mini-batch is the mean over its examples. ${model.sizes.join("-")}: ${count(countParams(model.sizes))} weights and biases.`;
    this.diagram.setModel(model);
    this.grids.replaceChildren();
    this.update();
  }

  // A mini-batch's gradient has no one input or label: their choosers hide.
  showScope() {
    const batch = this.scope.value === "batch";
    this.batchSizeLabel.hidden = !batch;
    for (const part of this.top.querySelectorAll(".example-chooser, .label-pick"))
      part.hidden = batch;
  }

  async chooseScope() {
    this.showScope();
    if (this.scope.value === "example") {
      this.batch = null;
      this.update();
      return;
    }
    this.scopeStatus.textContent = "computing the mini-batch's gradient…";
    const asked = this.model;
    try {
      const batch = await this.example.api("/api/gradient", {
        method: "POST",
        body: {
          batch: { size: Number(this.batchSize.value), seed: Math.floor(Math.random() * 100000) },
          learning_rate: Number(this.eta.value) || 3,
          first_layer: true,
        },
      });
      if (asked !== this.model || this.scope.value !== "batch") return; // asked for another
      this.batch = batch;
      this.scopeStatus.textContent = `${batch.n_examples} random training images`;
      this.update();
    } catch (e) {
      this.scopeStatus.textContent = `Failed: ${e.message}`;
    }
  }

  /** The gradient shown: {gradWeights, gradBiases, cost, activations?, label?, n}. */
  gradient() {
    if (this.batch) {
      return {
        gradWeights: this.batch.grad_weights,
        gradBiases: this.batch.grad_biases,
        cost: this.batch.cost,
        n: this.batch.n_examples,
        label: null,
      };
    }
    const x = this.example.x;
    const label = this.example.labelFor(this.model);
    const r = backprop(this.model, x, label);
    this.result = r;
    return {
      gradWeights: r.grad_weights,
      gradBiases: r.grad_biases,
      cost: r.cost,
      n: 1,
      label,
      result: r,
    };
  }

  update() {
    if (!this.model || this.root.hidden) return;
    const g = this.gradient();
    this.current = g;
    if (g.label !== null) this.label.value = String(g.label);
    const flatW = g.gradWeights.map((W) => (W ? Float64Array.from(W.flat ? W.flat() : W) : null));
    const flatB = g.gradBiases.map((b) => Float64Array.from(b));
    const norm = gradientNorm(flatW.filter(Boolean), flatB);
    this.summary.textContent = `${g.n === 1 ? `This example (label ${g.label})` : `These ${g.n} training images`}: C = ${value(g.cost)}, ‖∇C‖ = ${value(norm)}.`;
    this.showRanked(flatW, flatB);
    this.showPictures(flatW, g);
    this.showSlice();
  }

  showRanked(flatW, flatB) {
    const sorted = rankedMagnitudes(flatW, flatB);
    const nonzero = sorted.findIndex((v) => v === 0);
    const last = nonzero < 0 ? sorted.length : nonzero; // zeros have no place on a log scale
    const points = [];
    for (let r = 1; r <= last; r = Math.max(r + 1, Math.round(r * 1.05)))
      points.push([r, sorted[r - 1]]);
    if (last > 0) points.push([last, sorted[last - 1]]);
    const zeros = sorted.length - last;
    lineChart(this.rankChart, [{ points, color: SERIES[1] }], {
      xLabel: "rank (1 = the largest)",
      yLabel: "|∂C/∂θ|",
      logX: true,
      logY: true,
    });
    this.zerosNote.textContent = zeros
      ? `The other ${count(zeros)} components are exactly 0: no place on a log scale.`
      : "";
    this.zerosNote.hidden = !zeros;
    const L = this.model.sizes.length - 1;
    const rows = shares(flatW, flatB, sorted);
    this.sharesTable.replaceChildren(
      el(
        "tr",
        {},
        ...["layer", "weights + biases", "top 1% hold", "top 10% hold"].map((t) =>
          el("th", { textContent: t }),
        ),
        el("th", { className: "key", textContent: "exactly 0" }),
      ),
      ...rows.map((s) =>
        el(
          "tr",
          { dataset: { testid: "gradient-share", layer: String(s.layer) } },
          el("th", {
            scope: "row",
            textContent: s.layer === "all" ? "all" : layerName(L, s.layer),
          }),
          el("td", { textContent: count(s.n) }),
          el("td", { textContent: percent(s.top1) }),
          el("td", { textContent: percent(s.top10) }),
          el("td", { className: "key", textContent: percent(s.zero_fraction) }),
        ),
      ),
    );
    const top = largestComponents(flatW, flatB, this.model.sizes, TOP_LISTED);
    this.topList.replaceChildren(
      ...top.map((p) =>
        el(
          "li",
          {},
          `${pickName(this.model, p)}: −∂C/∂θ = `,
          el("b", {
            className: p.value > 0 ? "down" : "up",
            textContent: change(-p.value),
          }),
        ),
      ),
    );
  }

  showPictures(flatW, g) {
    const wish = flatW.map((W) => W.map((v) => -v));
    this.wish = wish;
    // the diagram's input and activations, then its edges (one drawing for both)
    this.diagram.input = g.result ? this.example.x : new Float32Array(PIXELS);
    this.diagram.activations = g.result ? g.result.activations.slice(1) : null;
    this.diagram.showValues(wish);
    if (this.model.sizes[0] !== PIXELS) return;
    const n = Math.min(this.model.sizes[1], FIRST_LAYER_SHOWN);
    if (this.grids.children.length !== n) {
      this.grids.replaceChildren(
        ...Array.from({ length: n }, (_, j) =>
          el(
            "figure",
            {},
            el("canvas", { role: "img", "aria-label": `neuron ${j} of hidden layer 1: −∂C/∂w` }),
            el("figcaption", { textContent: String(j) }),
          ),
        ),
      );
    }
    let top = 1e-12;
    for (let i = 0; i < n * PIXELS; i++) top = Math.max(top, Math.abs(wish[0][i]));
    this.grids
      .querySelectorAll("canvas")
      .forEach((canvas, j) => drawSigned(canvas, wish[0], j * PIXELS, top));
  }

  pickEdge(hit) {
    if (hit.kind !== "edge" || !this.wish) return;
    const nIn = this.model.sizes[hit.layer - 1];
    const v = -this.wish[hit.layer - 1][hit.to * nIn + hit.from];
    const all = rankedMagnitudes(this.wish, []);
    const rank = all.findIndex((m) => m <= Math.abs(v)) + 1;
    this.diagram.pickEdge({ layer: hit.layer, to: hit.to, from: hit.from });
    this.edgePick.show(this.model, { kind: "weight", ...hit });
    this.edgeInfo.textContent = `${pickName(this.model, { kind: "weight", ...hit })}: ∂C/∂w = ${change(v)}, rank ${count(rank)} of ${count(all.length)} weights.`;
  }

  showSlice() {
    if (!this.current) return;
    const eta = Number(this.eta.value);
    if (!(eta > 0)) return;
    let line;
    if (this.current.result) {
      line = lineSlice(
        this.model,
        this.example.x,
        this.current.label,
        this.current.result,
        2 * eta,
        41,
      );
      line.eta = eta;
      line.cost_at_eta = line.cost[20];
    } else {
      line = this.batch.line; // computed by the server for the batch's own η
    }
    const c0 = line.cost[0];
    const points = line.t.map((t, i) => [t, line.cost[i]]);
    const lowest = argmax(line.cost.map((c) => -c));
    const tangent = line.t.map((t) => [t, c0 + line.slope * t]);
    const step = overshoot(line, line.eta, line.cost_at_eta);
    const [curveColour, tangentColour, etaColour, lowColour] = [
      SERIES[7],
      SERIES[1],
      SERIES[0],
      SERIES[2],
    ];
    lineChart(
      this.sliceChart,
      [
        { points, color: curveColour, label: "the cost C(θ − t∇C)" },
        { points: tangent, color: tangentColour, dash: [5, 4], label: "its tangent at t = 0" },
      ],
      {
        xLabel: "t, the step's length along −∇C",
        yLabel: "C",
        yRange: [Math.min(...line.cost) * 0.9, Math.max(c0, ...line.cost) * 1.05],
        marks: [
          {
            x: line.eta,
            y: line.cost_at_eta,
            color: step.raises ? SERIES[5] : etaColour,
            label: `η = ${setting(line.eta)}${step.raises ? ": overshoot" : ""}`,
          },
          { x: line.t[lowest], y: line.cost[lowest], color: lowColour, radius: 4, label: "lowest" },
        ],
      },
    );
    const verdict = step.raises
      ? `raises the cost: an overshoot. ${step.below === null ? "" : `Any η below ${value(step.below)} would lower it along this line; `}the lowest point is at η ≈ ${value(step.lowest)}`
      : line.t[lowest] < line.eta * 0.9
        ? "lowers the cost but overshoots the lowest point, which comes before η"
        : line.t[lowest] > line.eta * 1.1
          ? "undershoots: the cost still falls beyond η"
          : "lands near the lowest point of this line";
    this.sliceText.textContent = `At t = η = ${setting(line.eta)}: C = ${value(line.cost_at_eta)} (from ${value(c0)}); the tangent predicted ${value(c0 + line.slope * line.eta)}. This step ${verdict}.`;
    this.sliceText.classList.toggle("overshoot", step.raises);
    this.sliceChart.dataset.eta = String(line.eta);
    this.sliceChart.dataset.overshoot = String(step.raises);
  }

  // ---- the landscape ----------------------------------------------------------------------

  /** The slices this model can take: the recorded path's plane only when it has one. */
  offerDirections(available = ["random", "path", "optimizers"]) {
    const kept = this.landscapeKind.value;
    this.landscapeKind.replaceChildren(
      ...DIRECTIONS.filter(([value]) => available.includes(value)).map(
        ([value, text]) => new Option(text, value),
      ),
    );
    if (available.includes(kept)) this.landscapeKind.value = kept;
    const missing = [];
    if (!available.includes("path"))
      missing.push("no recorded training path (train it with --record-path N to see one)");
    if (!available.includes("optimizers"))
      missing.push("no training config to rebuild its initial weights (no optimizer paths)");
    this.landscapeOffer.textContent = missing.length ? `This model has ${missing.join("; ")}.` : "";
    this.clearLandscape("");
  }

  /** No picture: the old one is not this model's or this request's. */
  clearLandscape(why) {
    this.landscapeData = null;
    this.landscapeCanvas.hidden = true;
    this.landscapeFacts.replaceChildren();
    this.pathCurves.hidden = this.lineCurve.hidden = true;
    this.landscapeStatus.textContent = why;
  }

  async landscape() {
    this.clearLandscape("Computing the cost on a 41×41 grid (cached once done)…");
    this.landscapeButton.disabled = true;
    const started = performance.now();
    try {
      const body = { directions: this.landscapeKind.value, grid: 41 };
      if (this.landscapeImages.value) body.n_images = Number(this.landscapeImages.value);
      const asked = this.model;
      const r = await this.example.api("/api/landscape", { method: "POST", body });
      if (asked !== this.model) return; // about another model
      this.landscapeData = r;
      this.landscapeCanvas.dataset.paths = String(r.paths.length);
      this.landscapeCanvas.hidden = false;
      drawLandscape(this.landscapeCanvas, r);
      this.showLandscapeFacts(r);
      this.landscapeStatus.textContent = `${r.alphas.length}×${r.betas.length} grid over ${count(r.n_images)} ${r.split} images; ${r.cost_function} cost, L2 ${r.l2_included ? "included" : "not included"}; ${seconds((performance.now() - started) / 1000)} (server: ${seconds(r.elapsed_s)}).`;
    } catch (e) {
      this.clearLandscape(`No landscape: ${e.message}`);
    } finally {
      this.landscapeButton.disabled = false;
    }
  }

  showLandscapeFacts(r) {
    const d = r.directions;
    const facts = [
      `at the centre (${r.center === "initial" ? "the initial weights, where every path starts" : "the trained model"}): C = ${value(r.center_cost)}; on the slice from ${value(r.min_cost)} to ${value(r.max_cost)}`,
      d.explained_variance
        ? `the plane holds ${percent(d.explained_variance[0] + d.explained_variance[1])} of the path's variance (${d.explained_variance.map(percent).join(" + ")})`
        : `directions: ${d.kind}${d.filter_normalised ? ", filter-normalised" : ""}, cosine between them ${value(d.cosine)}`,
    ];
    if (r.line && r.line.distance)
      facts.push(
        `from the initial to the final weights: ‖θ_final − θ_init‖ = ${value(r.line.distance)}; ${
          initToTrained(r)
            ? "the dashed white line on the slice runs from one to the other (the square: the initial weights)"
            : "random directions miss that line, so the slice cannot show it"
        }`,
      );
    const table = el(
      "table",
      { className: "paths" },
      el(
        "tr",
        {},
        ...[
          "path",
          "examples",
          "length",
          "travel",
          "true C at the end",
          "slice's C there",
          "off the plane",
        ].map((t) => el("th", { textContent: t })),
      ),
    );
    r.paths.forEach((p, n) => {
      const last = p.points.length - 1;
      table.append(
        el(
          "tr",
          {},
          el(
            "th",
            { scope: "row" },
            el("i", { className: "swatch", style: `background:${pathColor(n)}` }),
            p.name,
            p.diverged
              ? el("span", { className: "down", textContent: " (ran away: diverged)" })
              : null,
          ),
          el("td", { textContent: count(p.examples) }),
          el("td", { textContent: value(p.length) }),
          el("td", { textContent: value(p.travel) }),
          el("td", { textContent: value(p.cost_true[last]) }),
          el("td", { textContent: value(p.cost_slice[last]) }),
          el("td", { textContent: value(Math.max(...p.off_plane)) }),
        ),
      );
    });
    this.landscapeFacts.replaceChildren(
      el("ul", {}, ...facts.map((f) => el("li", { textContent: f }))),
      r.paths.length
        ? scroller("The paths: their travel and their true and sliced costs", table)
        : el("p", {
            className: "muted",
            textContent: "Random directions: no paths on this slice.",
          }),
    );
    this.pathCurves.hidden = !r.paths.length;
    this.lineCurve.hidden = !(r.line && r.line.t);
    if (r.paths.length) {
      const series = r.paths.flatMap((p, n) => {
        const color = pathColor(n);
        const xs = p.examples_seen.map((n) => Math.max(n, 1));
        return [
          { points: xs.map((n, i) => [n, p.cost_true[i]]), color, label: p.name },
          { points: xs.map((n, i) => [n, p.cost_slice[i]]), color, dash: [3, 3], width: 1 },
        ];
      });
      lineChart(this.pathCurves, series, {
        xLabel: "examples seen (solid: true cost; dashed: the slice's value there)",
        yLabel: "C",
        logX: true,
        logY: true,
      });
    }
    if (r.line && r.line.t) {
      this.lineCurve.hidden = false;
      lineChart(
        this.lineCurve,
        [{ points: r.line.t.map((t, i) => [t, r.line.cost[i]]), color: SERIES[0] }],
        {
          xLabel: "t: θ_init + t (θ_final − θ_init)",
          yLabel: "C",
          logY: true,
          marks: [
            {
              x: 0,
              y: r.line.cost[r.line.t.findIndex((t) => t >= 0)],
              color: "#93a0b8",
              label: "init",
            },
            {
              x: 1,
              y: r.line.cost[r.line.t.findIndex((t) => t >= 1)],
              color: SERIES[0],
              label: "final",
            },
          ],
        },
      );
    }
  }

  // ---- the neurons --------------------------------------------------------------------------

  async neuron() {
    const { layer, to: j } = this.neuronPick.read("bias");
    this.neuronOut.replaceChildren(el("p", { className: "muted", textContent: "loading…" }));
    try {
      const asked = this.model;
      const r = await this.example.api(`/api/neurons/${layer}/${j}?k=8`);
      if (asked !== this.model) return; // about another model
      const L = this.model.sizes.length - 1;
      const thumbs = r.top.map((t) => {
        const canvas = el("canvas", {
          role: "img",
          "aria-label": `test image ${t.index}, a ${t.label}`,
        });
        drawGray(canvas, t.pixels_255, 255);
        return el(
          "figure",
          { className: "thumb" },
          canvas,
          el("figcaption", { textContent: `${t.label} · z=${value(t.z)}` }),
        );
      });
      const counts = labelCounts(r.label_counts);
      const parts = [
        el("h3", {
          className: "minor",
          textContent: `Neuron ${j} of ${layerName(L, layer)} (bias ${change(r.bias)}): the test digits with the largest z`,
        }),
        el("div", { className: "thumbs", dataset: { testid: "neuron-top-any" } }, ...thumbs),
        el("h3", {
          className: "minor",
          textContent: `the labels of its ${count(total(r.label_counts))} most exciting test digits, counted`,
        }),
        counts,
      ];
      if (r.pattern) {
        const canvas = el("canvas", {
          className: "pattern",
          role: "img",
          "aria-label": "its incoming weights' combination of hidden layer 1's patterns",
        });
        drawSigned(canvas, r.pattern, 0);
        const terms = (r.terms || []).slice(0, 6).map((t) => {
          const c = el("canvas", {
            role: "img",
            "aria-label": `neuron ${t.from} of hidden layer 1`,
          });
          drawSigned(c, this.model.weights[0], t.from * PIXELS);
          return el(
            "figure",
            { className: "thumb" },
            c,
            el("figcaption", { textContent: `${change(t.weight)} × #${t.from}` }),
          );
        });
        parts.push(
          el("h3", {
            className: "minor",
            textContent:
              layer === 1
                ? "its own weights"
                : "Σₖ wⱼₖ · (the weights of neuron k of hidden layer 1): the pattern it is built from",
          }),
          el(
            "div",
            { className: "thumbs" },
            el(
              "figure",
              { className: "thumb big" },
              canvas,
              el("figcaption", { textContent: "the combination" }),
            ),
            ...terms,
          ),
        );
      }
      this.neuronOut.replaceChildren(...parts);
    } catch (e) {
      this.neuronOut.replaceChildren(el("p", { textContent: `Failed: ${e.message}` }));
    }
  }
}

// A section's part that needs the server: a row of controls above the rest, or, offline, a note.
function servedPart(served, controls, rest, note, props = {}) {
  return served
    ? el("div", {}, el("div", { className: "buttons" }, ...controls), ...rest)
    : el("p", { className: "muted", ...props }, note);
}

const total = (values) => values.reduce((a, b) => a + b, 0);

// How many of a neuron's top test digits carry each label: a table (label, count, a bar as
// long as the count), the most common first in words.
function labelCounts(counts) {
  const most = Math.max(...counts);
  const top = counts.indexOf(most);
  return el(
    "div",
    { className: "label-counts", dataset: { testid: "label-counts" } },
    el("p", {
      textContent: `Most often a ${top}: ${count(most)} of ${count(total(counts))}.`,
    }),
    el(
      "table",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "row", textContent: "label" }),
        ...counts.map((_, d) => el("th", { scope: "col", textContent: String(d) })),
      ),
      el(
        "tr",
        {},
        el("th", { scope: "row", textContent: "count" }),
        ...counts.map((n) =>
          el(
            "td",
            { dataset: { count: String(n) } },
            el("span", { className: "bar", style: `height:${(2.5 * n) / Math.max(most, 1)}rem` }),
            count(n),
          ),
        ),
      ),
    ),
  );
}

// The cost on the grid as colours (log scale), log-spaced contour lines, the model at the
// centre, the init→final line and each path with its points (hollow where off the plane).
function drawLandscape(canvas, r) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const { alphas, betas } = r;
  const pad = 36;
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  const [a0, a1] = [alphas[0], alphas.at(-1)];
  const [b0, b1] = [betas[0], betas.at(-1)];
  const toX = (a) => pad + ((a - a0) / (a1 - a0)) * w;
  const toY = (b) => pad + (1 - (b - b0) / (b1 - b0)) * h;
  paintSlice(ctx, r, { left: pad, top: pad, width: w, height: h });
  ctx.fillStyle = "#93a0b8";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(
    `α (${r.directions.kind === "random" ? "random direction 1" : "1st direction"}) from ${value(a0)} to ${value(a1)}`,
    pad + w / 2,
    height - 10,
  );
  ctx.save();
  ctx.translate(12, pad + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`β from ${value(b0)} to ${value(b1)}`, 0, 0);
  ctx.restore();
  const labels = []; // written last, placed so they stay inside and apart
  // the dashed line from the initial to the trained weights, with both ends marked
  if (initToTrained(r)) {
    const [from, to] = [r.line.init, r.line.trained];
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(toX(from[0]), toY(from[1]));
    ctx.lineTo(toX(to[0]), toY(to[1]));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeRect(toX(from[0]) - 4, toY(from[1]) - 4, 8, 8);
    const [end, at] = r.center !== "initial" ? ["initial", from] : ["trained", to];
    labels.push({ text: end, x: toX(at[0]) + 7, y: toY(at[1]) - 6, color: "#ffffff" });
  }
  // the paths (inside the grid's box: a runaway leaves it): a point is filled when within 10%
  // of the path's travel from the plane
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad, pad, w, h);
  ctx.clip();
  for (const [n, p] of r.paths.entries()) {
    const color = pathColor(n);
    ctx.beginPath();
    p.points.forEach(([a, b], i) => (i ? ctx.lineTo(toX(a), toY(b)) : ctx.moveTo(toX(a), toY(b))));
    ctx.strokeStyle = "rgba(11,15,23,0.8)"; // a dark edge, so the path shows on any colour
    ctx.lineWidth = 4;
    ctx.stroke();
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.stroke();
    const near = 0.1 * Math.max(p.travel, 1e-9);
    p.points.forEach(([a, b], i) => {
      ctx.beginPath();
      ctx.arc(toX(a), toY(b), 3, 0, 2 * Math.PI);
      if (p.off_plane[i] <= near) {
        ctx.fillStyle = color;
        ctx.fill();
      } else {
        ctx.strokeStyle = color;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    });
    const [ea, eb] = p.points.at(-1); // its name at its end (kept in the box); its numbers: the table
    const [ex, ey] = [inside(toX(ea), pad, pad + w), inside(toY(eb), pad + 18, pad + h)];
    const text = p.diverged ? `${p.name} (diverged)` : p.name;
    labels.push({ text, x: ex + 6, y: ey - 6, color });
  }
  ctx.restore();
  ctx.fillStyle = "#ffffff";
  ctx.beginPath();
  ctx.arc(toX(0), toY(0), 5, 0, 2 * Math.PI);
  ctx.fill();
  const centre = r.center === "initial" ? "θ₀, the initial weights" : "θ*, the trained model";
  const text = `${centre}: C = ${value(r.center_cost)}`;
  labels.unshift({ text, x: toX(0) + 8, y: toY(0) + 16, color: "#ffffff" });
  const measure = (t) => ctx.measureText(t).width;
  for (const l of placeLabels(labels, width, height, measure))
    outlined(ctx, l.text, l.x, l.y, l.color);
}

const inside = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

// Is the initial→trained line on this slice? (Not on random directions: they miss it.)
const initToTrained = (r) => Boolean(r.line && r.line.init && r.line.trained);
