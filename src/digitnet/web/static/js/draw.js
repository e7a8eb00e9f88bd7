// The Draw view: a pad for mouse, touch and pen; each stroke → toMnist → forward pass → the
// processed input, the diagram, the answer and ten bars, at most once per animation frame.
// Everything runs in the page, so it works the same served or exported (no server needed).

import { toMnist } from "./normalize.js";
import { forward, argmax } from "./network.js";
import { drawGray } from "./render.js";
import { Diagram } from "./diagram.js";
import { DIGITS, PAD, PIXELS } from "./constants.js";

const PEN = 20; // stroke width in pad pixels
const KEY_STEP = 14; // how far an arrow key moves the keyboard's pen, in pad pixels
const TIMES_KEPT = 500; // the latest update times kept (read by the browser test)

export class DrawView {
  constructor(root) {
    this.pad = root.querySelector("#pad");
    this.processed = root.querySelector("#processed");
    this.answer = root.querySelector("#answer");
    this.bars = root.querySelector("#bars");
    this.timing = root.querySelector("#timing"); // a developer's readout: shown with ?debug
    if (this.timing) this.timing.hidden = !new URLSearchParams(location.search).has("debug");
    this.diagram = new Diagram(root.querySelector("#diagram"));
    this.model = null;
    this.given = null; // an image opened from elsewhere (784 values in [0, 1]), until drawn on
    this.hint = root.querySelector(".hint");
    this.hintText = this.hint ? this.hint.textContent : "";
    this.pending = null; // timeStamp of the first stroke event not yet shown
    this.latencies = []; // stroke event → page updated, ms, the latest TIMES_KEPT
    this.work = []; // of which the update itself (normalise, forward, draw), ms
    this.listeners = [];
    this.pad.width = PAD;
    this.pad.height = PAD;
    this.ctx = this.pad.getContext("2d", { willReadFrequently: true });
    this.clear();
    this.listen();
    root.querySelector("#clear").addEventListener("click", () => this.clear());
  }

  setModel(model) {
    this.model = model;
    this.diagram.setModel(model);
    this.update();
  }

  onResult(listener) {
    this.listeners.push(listener);
  }

  clear() {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, PAD, PAD);
    this.ink = false;
    this.open(null, this.hintText);
  }

  // An MNIST image (784 values 0–255, e.g. a test image the network got wrong) as the input,
  // exactly; the pad shows it enlarged, and drawing on it makes it a drawing like any other.
  showImage(values, note) {
    const x = Float32Array.from(values, (v) => v / 255);
    const small = document.createElement("canvas");
    drawGray(small, x);
    this.ctx.drawImage(small, 0, 0, PAD, PAD);
    this.ink = true;
    this.open(x, note);
  }

  open(x, note) {
    this.given = x;
    if (this.hint) this.hint.textContent = note;
    this.update();
  }

  listen() {
    let last = null;
    const point = (e) => {
      const rect = this.pad.getBoundingClientRect();
      return [
        ((e.clientX - rect.left) * PAD) / rect.width,
        ((e.clientY - rect.top) * PAD) / rect.height,
      ];
    };
    const stroke = (from, to) => {
      const { ctx } = this;
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = PEN;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(...from);
      ctx.lineTo(...to);
      ctx.stroke();
      this.ink = true;
      this.given = null; // drawn on: the pad is the input now
    };
    this.pad.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      this.pad.setPointerCapture(e.pointerId);
      last = point(e);
      stroke(last, last);
      this.schedule(e.timeStamp);
    });
    this.pad.addEventListener("pointermove", (e) => {
      if (last === null) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const ev of events.length ? events : [e]) {
        const p = point(ev);
        stroke(last, p);
        last = p;
      }
      this.schedule(e.timeStamp);
    });
    const end = () => {
      last = null;
    };
    this.pad.addEventListener("pointerup", end);
    this.pad.addEventListener("pointercancel", end);
    this.listenToKeys(stroke);
  }

  // The keyboard's pen: arrows move it (Shift: finer), Space lowers or lifts it (a dot where it
  // lands, a line as it moves while down), Delete, Backspace or Escape clears the pad.
  listenToKeys(stroke) {
    const pen = this.pad.parentElement.querySelector(".pen");
    if (!pen) return;
    let at = [PAD / 2, PAD / 2];
    let down = false;
    const show = () => {
      pen.hidden = document.activeElement !== this.pad;
      pen.classList.toggle("down", down);
      pen.style.left = `${this.pad.offsetLeft + (at[0] / PAD) * this.pad.offsetWidth}px`;
      pen.style.top = `${this.pad.offsetTop + (at[1] / PAD) * this.pad.offsetHeight}px`;
    };
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    this.pad.addEventListener("keydown", (e) => {
      if (e.key in moves) {
        const step = e.shiftKey ? KEY_STEP / 4 : KEY_STEP;
        const [dx, dy] = moves[e.key];
        const to = [onPad(at[0] + dx * step), onPad(at[1] + dy * step)];
        if (down) stroke(at, to);
        at = to;
      } else if (e.key === " ") {
        down = !down;
        if (down) stroke(at, at);
      } else if (["Delete", "Backspace", "Escape"].includes(e.key)) {
        down = false;
        this.clear();
      } else return;
      e.preventDefault();
      show();
      if (down) this.schedule(e.timeStamp); // it drew
    });
    this.pad.addEventListener("focus", show);
    this.pad.addEventListener("blur", () => {
      down = false;
      show();
    });
  }

  // One update per frame at most: strokes arriving meanwhile are shown together.
  schedule(timeStamp) {
    if (this.pending !== null) return;
    this.pending = timeStamp;
    requestAnimationFrame(() => {
      const started = performance.now();
      this.update();
      const now = performance.now();
      const ms = now - this.pending;
      this.pending = null;
      keep(this.work, now - started);
      keep(this.latencies, ms);
      if (this.timing) this.timing.textContent = `stroke → update: ${ms.toFixed(1)} ms`;
    });
  }

  pixels() {
    const rgba = this.ctx.getImageData(0, 0, PAD, PAD).data;
    const gray = new Float64Array(PAD * PAD);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i] / 255;
    return gray;
  }

  update() {
    if (!this.model) return;
    const x =
      this.given ?? (this.ink ? toMnist(this.pixels(), PAD, PAD) : new Float32Array(PIXELS));
    const blank = !x.some((v) => v > 0);
    drawGray(this.processed, x);
    if (blank) {
      this.answer.textContent = "";
      this.bars.replaceChildren();
      this.diagram.update(x, null);
      this.listeners.forEach((f) => f(x, null));
      return;
    }
    const activations = forward(this.model, x);
    const outputs = activations[activations.length - 1];
    this.answer.textContent = String(argmax(outputs));
    this.showBars(outputs);
    this.diagram.update(x, activations);
    this.listeners.forEach((f) => f(x, activations));
  }

  showBars(outputs) {
    if (this.bars.children.length !== DIGITS) this.bars.replaceChildren(...newBars());
    const best = argmax(outputs);
    Array.from(this.bars.children).forEach((bar, d) => {
      const v = outputs[d];
      bar.dataset.value = v.toFixed(6);
      bar.classList.toggle("best", d === best);
      bar.querySelector(".fill").style.width = `${(100 * Math.min(1, Math.max(0, v))).toFixed(1)}%`;
      bar.querySelector(".value").textContent = v.toFixed(3);
      bar.setAttribute("aria-label", `output ${d}: ${v.toFixed(3)}`);
    });
  }
}

// The ten output bars: digit, track with its fill, value (filled in by showBars).
function newBars() {
  const span = (className, ...children) => {
    const s = document.createElement("span");
    s.className = className;
    s.append(...children);
    return s;
  };
  return Array.from({ length: DIGITS }, (_, d) => {
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.dataset.testid = "output-bar";
    bar.dataset.digit = String(d);
    bar.append(span("digit", String(d)), span("track", span("fill")), span("value"));
    return bar;
  });
}

const onPad = (v) => Math.min(PAD, Math.max(0, v));

function keep(times, ms) {
  times.push(ms);
  if (times.length > TIMES_KEPT) times.shift();
}
