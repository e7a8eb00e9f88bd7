// The Learn view: knobs → POST /api/train; progress by server-sent events → the curves (cost per
// mini-batch, accuracy per epoch) and live weight grids; Stop and Save.

import { api } from "./api.js";
import { decodeFloats } from "./network.js";
import { GREEN, sharpCanvas } from "./render.js";
import { showGrids } from "./weights.js";

export class LearnView {
  constructor(root, onSaved) {
    this.root = root;
    this.onSaved = onSaved;
    this.canvas = root.querySelector("#curves");
    this.status = root.querySelector("#train-status");
    this.start = root.querySelector("#train-start");
    this.stop = root.querySelector("#train-stop");
    this.saveButton = root.querySelector("#train-save");
    this.source = null;
    this.reset();
    root.querySelector("#learn-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.begin();
    });
    this.stop.addEventListener("click", () =>
      api("/api/train/stop", { method: "POST", body: {} }).catch((err) => this.say(err.message)),
    );
    root.querySelector("#save-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.save();
    });
    new ResizeObserver(() => this.drawCurves()).observe(this.canvas);
  }

  reset() {
    this.costs = []; // [progress in epochs, mini-batch cost]
    this.accuracy = []; // [epoch, validation (or test) accuracy]
    this.epochs = 1;
    this.drawCurves();
  }

  say(text) {
    this.status.textContent = text;
  }

  async begin() {
    const form = new FormData(this.root.querySelector("#learn-form"));
    const layers = String(form.get("layers")).trim().split(/\s+/).filter(Boolean).map(Number);
    const body = {
      layers,
      activation: form.get("activation"),
      cost: form.get("cost"),
      learning_rate: Number(form.get("learning_rate")),
      batch_size: Number(form.get("batch_size")),
      epochs: Number(form.get("epochs")),
    };
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
    this.say("Starting…");
    this.listen();
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
        `Epoch ${b.epoch}/${this.epochs}, mini-batch ${b.batch}/${b.batches}: cost ${b.cost.toFixed(4)}`,
      );
      this.drawCurves();
    });
    source.addEventListener("epoch", (e) => {
      const { epoch, epochs, row } = JSON.parse(e.data);
      const acc = row.validation_accuracy ?? row.test_accuracy;
      this.accuracy.push([epoch, acc]);
      this.say(
        `Epoch ${epoch}/${epochs} done: validation accuracy ${(100 * acc).toFixed(2)}%, cost ${row.batch_cost.toFixed(4)}`,
      );
      this.drawCurves();
    });
    source.addEventListener("weights", (e) => {
      const w = JSON.parse(e.data);
      showGrids(this.root.querySelector("#learn-grids"), decodeFloats(w.weights), w.shown);
    });
    source.addEventListener("error", (e) => {
      if (e.data) this.say(`Training failed: ${JSON.parse(e.data).message}`);
    });
    source.addEventListener("done", (e) => {
      source.close();
      this.source = null;
      const s = JSON.parse(e.data);
      this.start.disabled = false;
      this.stop.disabled = true;
      this.saveButton.disabled = !s.epochs_done;
      if (!s.error) {
        const how = s.stopped ? "Stopped" : "Finished";
        this.say(
          `${how} after ${s.epochs_done} epoch(s).${s.epochs_done ? " Save it to draw with it." : ""}`,
        );
      }
    });
  }

  async save() {
    const name = new FormData(this.root.querySelector("#save-form")).get("name");
    const out = this.root.querySelector("#save-status");
    try {
      const result = await api("/api/train/save", { method: "POST", body: { name } });
      out.textContent = `Saved ${result.saved}; it is now the model you draw with.`;
      this.saveButton.disabled = true;
      this.onSaved(result.model);
    } catch (e) {
      out.textContent = `Not saved: ${e.message}`;
    }
  }

  drawCurves() {
    const { canvas } = this;
    canvas.dataset.points = String(this.costs.length + this.accuracy.length);
    const sized = sharpCanvas(canvas);
    if (!sized) return;
    const { ctx, width, height } = sized;
    const pad = { left: 52, right: 52, top: 14, bottom: 28 };
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    const topCost = Math.max(1e-9, ...this.costs.map(([, c]) => c));
    const x = (t) => pad.left + (w * t) / Math.max(1, this.epochs);
    ctx.strokeStyle = "#2a3447";
    ctx.strokeRect(pad.left, pad.top, w, h);
    ctx.fillStyle = "#93a0b8";
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(topCost.toPrecision(2), 8, pad.top);
    ctx.fillText("0", 8, pad.top + h);
    ctx.fillText("100%", width - pad.right + 6, pad.top);
    ctx.fillText("0%", width - pad.right + 6, pad.top + h);
    ctx.fillText("epoch", 8, height - 12);
    for (let e = 0; e <= this.epochs; e++) ctx.fillText(String(e), x(e) - 3, height - 12);
    ctx.fillStyle = "#f0a040";
    const legend = pad.left + w / 2 - 80;
    ctx.fillText("— cost per mini-batch", legend, pad.top + 12);
    ctx.fillStyle = `rgb(${GREEN})`;
    ctx.fillText("— validation accuracy per epoch", legend, pad.top + 30);
    const line = (points, y, colour) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.8;
      ctx.beginPath();
      points.forEach(([t, v], i) => (i ? ctx.lineTo(x(t), y(v)) : ctx.moveTo(x(t), y(v))));
      ctx.stroke();
      ctx.fillStyle = colour;
      for (const [t, v] of points) ctx.fillRect(x(t) - 2, y(v) - 2, 4, 4);
    };
    line(this.costs, (c) => pad.top + h * (1 - c / topCost), "#f0a040");
    line(this.accuracy, (a) => pad.top + h * (1 - a), `rgb(${GREEN})`);
  }
}

function cap(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
