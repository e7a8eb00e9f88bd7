// The Learn view: a preset (the server's training.PRESETS) fills the knobs → POST /api/train;
// progress by server-sent events → the chart (the mini-batch cost averaged between points, on a
// log axis; the accuracy after each epoch), a row per epoch, the trainer's own hints when a run
// goes nowhere, live weight grids, the ball on the real landscape (landscape-ball.js); Stop;
// Save, which says the saved model's test accuracy.

import { api } from "./api.js";
import { SERIES, chartLayout, scaleFor } from "./chart.js";
import { linearScale } from "./scale.js";
import { drawAxes } from "./chapters.js";
import { count, counted, format, value } from "./format.js";
import { mountBall } from "./landscape-ball.js";
import { decodeFloats } from "./network.js";
import { sharpCanvas } from "./render.js";
import { showGrids } from "./weights.js";

const FIELDS = ["activation", "cost", "learning_rate", "momentum", "schedule", "batch_size"];
const NUMBERS = ["learning_rate", "momentum", "batch_size", "epochs", "seed"];
const [COST_COLOUR, ACCURACY_COLOUR] = SERIES; // the colour-blind-safe palette's first two
const SPLITS = ["train", "validation", "test"]; // the accuracies an epoch's row may hold

export class LearnView {
  constructor(root, onSaved) {
    this.root = root;
    this.onSaved = onSaved;
    this.form = root.querySelector("#learn-form");
    this.canvas = root.querySelector("#curves");
    this.status = root.querySelector("#train-status");
    this.hint = root.querySelector("#train-hint");
    this.table = root.querySelector("#epoch-table");
    this.start = root.querySelector("#train-start");
    this.stop = root.querySelector("#train-stop");
    this.saveButton = root.querySelector("#train-save");
    this.presets = {};
    const motion = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.ball = mountBall(root.querySelector("#learn-ball"), { api, motion });
    this.source = null;
    this.frame = null;
    this.reset();
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.begin();
    });
    this.form.elements.preset.addEventListener("change", () => this.usePreset());
    this.stop.addEventListener("click", () =>
      api("/api/train/stop", { method: "POST", body: {} }).catch((err) => this.say(err.message)),
    );
    root.querySelector("#save-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.save();
    });
    new ResizeObserver(() => this.drawCurves()).observe(this.canvas);
    this.loadPresets();
  }

  async loadPresets() {
    try {
      this.presets = (await api("/api/presets")).presets;
    } catch (e) {
      this.say(`Could not load the presets: ${e.message}`);
      return;
    }
    const names = Object.keys(this.presets);
    this.form.elements.preset.replaceChildren(...names.map((name) => new Option(name, name)));
    this.usePreset();
    this.start.disabled = false;
  }

  // The chosen preset's values in the knobs; what the knobs do not show, said below them.
  usePreset() {
    const name = this.form.elements.preset.value;
    const p = this.presets[name];
    const el = this.form.elements;
    el.layers.value = p.layers.join(" ");
    for (const field of [...FIELDS, "epochs", "seed"]) el[field].value = String(p[field]);
    this.root.querySelector("#preset-help").textContent = presetNote(name, p);
    if (!this.source && !this.accuracy.length) this.reset(); // the empty chart's legend
  }

  reset() {
    this.costs = []; // [progress in epochs, mean cost of the mini-batches since the last point]
    this.accuracy = []; // [epoch, validation accuracy (test when validation was trained on)]
    const preset = this.presets[this.form.elements.preset.value];
    const held = !preset || preset.train_set !== "full"; // validation images held out?
    this.accuracyName = held ? "validation accuracy" : "test accuracy";
    this.epochs = 1;
    this.showHint(null);
    this.table.hidden = true;
    this.table.tHead.replaceChildren();
    this.table.tBodies[0].replaceChildren();
    this.changed();
  }

  say(text) {
    this.status.textContent = text;
  }

  showHint(text) {
    this.hint.hidden = !text;
    this.hint.textContent = text ?? "";
  }

  async begin() {
    const form = new FormData(this.form);
    const layers = String(form.get("layers")).trim().split(/\s+/).filter(Boolean).map(Number);
    const body = { preset: form.get("preset"), layers, activation: form.get("activation") };
    for (const field of ["cost", "schedule"]) body[field] = form.get(field);
    for (const field of NUMBERS) body[field] = Number(form.get(field));
    try {
      await api("/api/train", { method: "POST", body });
    } catch (e) {
      this.say(`Could not start: ${e.message}`);
      return;
    }
    this.reset();
    this.epochs = body.epochs;
    this.start.disabled = true;
    this.stop.disabled = false;
    this.saveButton.disabled = true;
    this.saveButton.textContent = "Save";
    this.root.querySelector("#save-status").textContent = "";
    this.say("Starting…");
    this.listen();
    this.ball.start();
  }

  listen() {
    if (this.source) this.source.close();
    const source = new EventSource("/api/train/events");
    this.source = source;
    source.addEventListener("status", (e) => this.say(`${cap(JSON.parse(e.data).message)}…`));
    source.addEventListener("batch", (e) => {
      const b = JSON.parse(e.data);
      this.costs.push([b.epoch - 1 + b.batch / b.batches, b.cost]);
      this.say(
        `Epoch ${b.epoch}/${this.epochs}, mini-batch ${b.batch}/${b.batches}: ` +
          `cost ${value(b.cost)} (mean of the last ${b.mean_of})`,
      );
      this.changed();
    });
    source.addEventListener("epoch", (e) => {
      const { epoch, epochs, row, hint } = JSON.parse(e.data);
      const held = row.validation_accuracy !== undefined;
      this.accuracyName = held ? "validation accuracy" : "test accuracy";
      this.accuracy.push([epoch, held ? row.validation_accuracy : row.test_accuracy]);
      this.addRow(row);
      this.say(`Epoch ${epoch}/${epochs} done: ${accuracies(row)}.`);
      this.showHint(hint ? `Hint: ${hint}` : null);
      this.changed();
    });
    source.addEventListener("weights", (e) => {
      const w = JSON.parse(e.data);
      showGrids(this.root.querySelector("#learn-grids"), decodeFloats(w.weights), w.shown);
    });
    source.addEventListener("error", (e) => {
      if (e.data) this.showHint(`Training failed: ${JSON.parse(e.data).message}.`);
    });
    source.addEventListener("done", (e) => {
      source.close();
      this.source = null;
      this.finished(JSON.parse(e.data));
    });
  }

  // The run is over: its accuracy, and whether it is worth saving.
  finished(s) {
    this.start.disabled = false;
    this.stop.disabled = true;
    this.saveButton.disabled = !s.saveable;
    this.saveButton.textContent = s.hint ? "Save anyway" : "Save";
    if (s.error) {
      this.say(`Training failed after ${counted(s.epochs_done, "epoch")}: nothing to save.`);
      this.showHint(`Training failed: ${s.error}.`);
      return;
    }
    const how = s.stopped ? "Stopped" : "Finished";
    const last = s.history[s.history.length - 1];
    if (!last) {
      this.say(`${how} before the first epoch ended: nothing to save.`);
      return;
    }
    const kept = s.stopped
      ? ` Save keeps the weights measured here, from the end of epoch ${s.epochs_done}.`
      : "";
    const done = `${how} after ${counted(s.epochs_done, "epoch")}: ${accuracies(last)}.${kept}`;
    if (s.hint) {
      this.say(`${done} It has not learned to read digits.`);
      this.showHint(`Hint: ${s.hint}`);
    } else {
      this.say(`${done} Save it to draw with it.`);
    }
  }

  addRow(row) {
    const splits = SPLITS.filter((split) => row[`${split}_accuracy`] !== undefined);
    if (!this.table.tHead.rows.length) {
      const head = ["epoch", "mini-batch cost (mean)", ...splits.map((s) => `${s} accuracy`)];
      this.table.tHead.append(tableRow("th", head));
    }
    const cells = [String(row.epoch), value(row.batch_cost)];
    for (const split of splits) cells.push(percent(row[`${split}_accuracy`]));
    this.table.tBodies[0].append(tableRow("td", cells));
    this.table.hidden = false;
  }

  async save() {
    const name = new FormData(this.root.querySelector("#save-form")).get("name");
    const out = this.root.querySelector("#save-status");
    try {
      const r = await api("/api/train/save", { method: "POST", body: { name } });
      out.textContent =
        `Saved ${r.saved}, the weights at the end of epoch ${r.epoch}: ` +
        `${percent(r.test_accuracy)} of the ${count(r.tested)} test images read right. ` +
        "It is now the model you draw with.";
      this.saveButton.disabled = true;
      this.onSaved(r.model);
    } catch (e) {
      out.textContent = `Not saved: ${e.message}`;
    }
  }

  // The curve's point count at once (tests watch it); the drawing at the next frame.
  changed() {
    this.canvas.dataset.points = String(this.costs.length + this.accuracy.length);
    if (this.frame === null) {
      this.frame = requestAnimationFrame(() => {
        this.frame = null;
        this.drawCurves();
      });
    }
  }

  drawCurves() {
    const sized = sharpCanvas(this.canvas);
    if (!sized) return;
    const { ctx, width, height } = sized;
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const items = ["mini-batch cost, averaged (left, log scale)", `${this.accuracyName} (right)`];
    const colours = [COST_COLOUR, ACCURACY_COLOUR];
    const measure = (t) => ctx.measureText(t).width;
    const { plot, legend } = chartLayout(width, height, items, measure, { bottom: 40 });
    legend.forEach((item, i) => {
      ctx.fillStyle = colours[i];
      ctx.fillRect(item.x, item.y - 1, 16, 3);
      ctx.fillText(item.text, item.x + 22, item.y);
    });
    // whole epochs along the bottom; the cost (log) on the left; the accuracy, fitted, on the right
    const x = scaleFor([0, Math.max(1, this.epochs)], plot.left, plot.right, { nice: false });
    x.axis = {
      count: Math.min(Math.max(1, this.epochs), Math.floor((plot.right - plot.left) / 60)),
    };
    const costs = this.costs.map(([, c]) => c);
    const yCost = costs.length ? scaleFor(costs, plot.bottom, plot.top, { log: true }) : null;
    const shown = this.accuracy.map(([, a]) => a);
    const yAccuracy = shown.length ? accuracyScale(shown, plot.bottom, plot.top) : null;
    drawAxes(this.canvas, ctx, plot, { x, y: yCost, right: yAccuracy });
    ctx.fillStyle = "#93a0b8";
    ctx.textAlign = "center";
    ctx.fillText("epoch", (plot.left + plot.right) / 2, height - 8);
    ctx.textAlign = "start";
    if (!yCost) {
      const text = "The cost and the accuracy are drawn here as it learns.";
      wrapped(ctx, text, (plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, plot);
      return;
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top - 3, plot.right - plot.left, plot.bottom - plot.top + 6);
    ctx.clip();
    const line = (points, y, colour, marks) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.8;
      ctx.beginPath();
      points.forEach(([t, v], i) => (i ? ctx.lineTo(x(t), y(v)) : ctx.moveTo(x(t), y(v))));
      ctx.stroke();
      ctx.fillStyle = colour;
      if (marks) for (const [t, v] of points) ctx.fillRect(x(t) - 2.5, y(v) - 2.5, 5, 5);
    };
    line(this.costs, (c) => yCost(Math.max(c, yCost.domain[0])), COST_COLOUR, false);
    if (yAccuracy) line(this.accuracy, yAccuracy, ACCURACY_COLOUR, true);
    ctx.restore();
  }
}

// The accuracy's axis: the values' range widened a little (at least 2 points), within 0–100%,
// labelled in percent.
function accuracyScale(values, bottom, top) {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const pad = Math.max(0.01, (hi - lo) * 0.1);
  const [a, b] = scaleFor([], bottom, top, { domain: [lo - pad, hi + pad] }).domain; // round
  const fitted = linearScale([Math.max(0, a), Math.min(1, b)], [bottom, top]);
  fitted.axis = { spec: "%" };
  return fitted;
}

// Text centred at (x, y), broken into lines that fit inside the plot's box.
function wrapped(ctx, text, x, y, plot) {
  const room = plot.right - plot.left - 24;
  const lines = [""];
  for (const word of text.split(" ")) {
    const tried = lines.at(-1) ? `${lines.at(-1)} ${word}` : word;
    if (ctx.measureText(tried).width > room && lines.at(-1)) lines.push(word);
    else lines[lines.length - 1] = tried;
  }
  ctx.textAlign = "center";
  lines.forEach((line, i) => ctx.fillText(line, x, y + (i - (lines.length - 1) / 2) * 16));
  ctx.textAlign = "start";
}

// What the knobs do not show of a preset, in words.
function presetNote(name, p) {
  const parts = [
    p.weight_decay ? `L2 weight decay λ = ${p.weight_decay}` : "no weight decay",
    p.shift
      ? `images shifted by up to ${counted(p.shift, "pixel")} each epoch`
      : "no shifted images",
    p.init === "normal" ? "the book's N(0, 1) initial weights" : "initial weights N(0, 1/n_in)",
    p.train_set === "full"
      ? "it trains on the validation images too, so the curve shows test accuracy"
      : "the validation images are held out to measure it",
  ];
  return `Also from the ${name} preset: ${parts.join("; ")}.`;
}

function accuracies(row) {
  const found = SPLITS.filter((s) => row[`${s}_accuracy`] !== undefined);
  return found.map((s) => `${s} accuracy ${percent(row[`${s}_accuracy`])}`).join(", ");
}

// accuracies with two decimals, as the epoch rows and the saved model's report give them
const percent = format(".2%");

function tableRow(cell, texts) {
  const tr = document.createElement("tr");
  for (const text of texts) {
    const td = document.createElement(cell);
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

function cap(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
