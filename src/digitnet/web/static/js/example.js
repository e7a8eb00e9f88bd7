// The learner's digit, one for the whole page: the drawing once they draw, else a real test
// digit (the first, until they pick another), never a blank drawing unless they pick it. The
// views that study it (Backprop, Gradient descent, Chain rule, the story) subscribe with
// onChange and put its chooser (chooser() / topBar()) where they want it.

import { PIXELS, SIDE } from "./constants.js";
import { api } from "./api.js";
import { drawGray } from "./render.js";
import { argmax } from "./network.js";
import { forwardAll } from "./backprop-math.js";
import { button, el } from "./chapters.js";

const FIRST_TEST_DIGIT = 0; // studied until the learner draws or picks another
const SPLIT_SIZES = { test: 10000, train: 60000 }; // MNIST's; a smaller set answers 404 beyond

/**
 * x (784 inputs in [0, 1]), its true label (null for a drawing), where it came from
 * (origin: {split: "drawing" | "test" | "train", index}), and the label chosen in a view
 * (null: the true one, else the model's answer). onChange(f) calls f(example, what) with what
 * "example" (another digit) or "label" (another label chosen).
 */
export class Example {
  /** served: MNIST images come from the server; samples: test digits embedded in an exported
   * page ([{index, label, pixels_255}]); drawOwn(): opens the drawing pad; request(path,
   * options): answers api.js's requests (a Jupyter widget's kernel answers instead). */
  constructor({ served = true, samples = null, drawOwn = null, request = api } = {}) {
    this.served = served;
    this.api = request; // how the views ask what the page cannot compute: api.js, or a kernel
    this.samples = samples && samples.length ? samples : null;
    this.drawOwn = drawOwn;
    this.x = new Float64Array(PIXELS);
    this.drawing = new Float64Array(PIXELS); // the pad's latest input
    this.trueLabel = null;
    this.origin = { split: "drawing", index: null };
    this.picked = null; // the last image picked or given: {x, trueLabel, origin}
    this.blankPicked = false; // the learner chose the drawing while blank: study it anyway
    this.label = null;
    this.listeners = [];
    this.choosers = [];
    if (this.samples) this.take(this.fromSample(0));
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  changed(what = "example") {
    this.choosers.forEach((c) => c.show());
    this.listeners.forEach((f) => f(this, what));
  }

  /** The first test digit, from the server, once (an exported page starts with its own),
   * unless the learner has chosen something, before or while it loads (a blank drawing too). */
  start() {
    if (this.served && !this.chosen() && !this.starting) {
      // without test images here (a 404), the chooser asks for a drawing
      this.starting = this.load("test", FIRST_TEST_DIGIT, () => !this.chosen()).catch(() =>
        this.changed(),
      );
    }
    return this.starting;
  }

  /** The learner has drawn, picked an image or picked the drawing (blank or not). */
  chosen() {
    return this.picked || this.blankPicked || this.origin.split !== "drawing" || !this.blank();
  }

  /** A view chose the label d: every view follows. */
  setLabel(d) {
    this.label = d;
    this.changed("label");
  }

  /** The drawing pad's input: studied once it has ink; when it is wiped, the last image again. */
  setDrawing(x) {
    if (sameValues(this.drawing, x)) return; // the same drawing shown again (another model)
    this.drawing = Float64Array.from(x);
    const ink = this.drawing.some((v) => v > 0);
    if (ink) {
      if (this.origin.split !== "drawing") this.label = null;
      this.origin = { split: "drawing", index: null };
      this.trueLabel = null;
      this.x = this.drawing;
      this.changed();
    } else if (this.origin.split === "drawing") {
      if (this.picked && !this.blankPicked) this.take(this.picked);
      else this.x = this.drawing;
      this.changed();
    }
  }

  /** An image opened on the drawing pad from elsewhere (a test image from Experiments): studied
   * as the image it is (its origin and true label) until it is drawn on. */
  openImage(x, trueLabel, origin) {
    this.drawing = Float64Array.from(x); // the pad's input: not news when the pad reports it
    this.take({ x: this.drawing, trueLabel, origin });
    this.changed();
  }

  /** The learner picked the drawing, blank or not. */
  useDrawing() {
    this.origin = { split: "drawing", index: null };
    this.trueLabel = null;
    this.x = this.drawing;
    this.blankPicked = true;
    this.label = null;
    this.changed();
  }

  /** An MNIST image (split "train" or "test", index N; null = at random), taken if still
   * wanted() once it has come. */
  async load(split, index = null, wanted = () => true) {
    const n = index ?? Math.floor(Math.random() * SPLIT_SIZES[split]);
    if (!this.served) {
      const at = this.samples ? this.samples.findIndex((s) => s.index === n) : -1;
      if (split !== "test" || at < 0) throw new Error(this.offline());
      this.take(this.fromSample(at));
    } else {
      const r = await this.api("/api/backprop", {
        method: "POST",
        body: { example: { split, index: n }, first_layer: false },
      });
      if (!wanted()) return;
      const image = Float64Array.from(r.activations[0]);
      this.take({ x: image, trueLabel: r.example.label, origin: { split, index: n } });
    }
    this.changed();
  }

  fromSample(at) {
    const s = this.samples[at];
    const x = Float64Array.from(s.pixels_255, (v) => v / 255);
    return { x, trueLabel: s.label, origin: { split: "test", index: s.index } };
  }

  take(image) {
    this.picked = image;
    this.blankPicked = false;
    this.x = image.x;
    this.trueLabel = image.trueLabel;
    this.origin = image.origin;
    this.label = null;
  }

  offline() {
    const indices = this.samples ? this.samples.map((s) => s.index) : [];
    return indices.length
      ? `this page holds test images ${indices[0]}–${indices.at(-1)} only`
      : "this page holds no test images: draw a digit";
  }

  blank() {
    return !this.x.some((v) => v > 0);
  }

  describe() {
    const { split, index } = this.origin;
    if (split === "drawing") return this.blank() ? "your drawing (blank)" : "your drawing";
    const which = split === "train" ? "training image" : "test image";
    return `${which} ${index.toLocaleString()} (a ${this.trueLabel})`;
  }

  /** The label a view works with: the one chosen there, else the true one, else the model's answer. */
  labelFor(model) {
    return this.label ?? this.trueLabel ?? argmax(forwardAll(model, this.x).activations.at(-1));
  }

  /** The bar atop a view: the chooser, the view's label picker (labelPicker), then its own controls. */
  topBar(label, ...controls) {
    return el(
      "div",
      { className: "chapter-top" },
      this.chooser(),
      el("label", { className: "label-pick" }, "Label ", label),
      ...controls,
    );
  }

  /** Controls to choose the example: what is studied (thumbnail and words), the source, a
   * number (typed, or previous/next), and "Draw your own". Returns the element. */
  chooser() {
    const splits = this.served
      ? [
          new Option("a test digit", "test"),
          new Option("a training image", "train"),
          new Option("a random training image", "random"),
        ]
      : this.samples
        ? [new Option("a test digit", "test")]
        : [];
    const source = el("select", {}, new Option("the drawing", "drawing"), ...splits);
    const index = el("input", { type: "number", min: 0, value: 0, className: "index" });
    const number = el("label", {}, "number ", index);
    const previous = button("Previous");
    const next = button("Next");
    const thumb = el("canvas", { width: SIDE, height: SIDE, className: "example-thumb" });
    thumb.setAttribute("role", "img");
    const said = el("span", { className: "studied", "aria-live": "polite" });
    const status = el("span", { className: "muted", "aria-live": "polite" });
    const load = async (n) => {
      const split = source.value === "random" ? "train" : source.value;
      status.textContent = "loading…";
      try {
        await this.load(split, source.value === "random" ? null : n);
        status.textContent = "";
      } catch (e) {
        status.textContent = e.message;
      }
    };
    const step = (by) => load(Math.max(0, Number(index.value) + by));
    source.addEventListener("change", () => {
      if (source.value === "drawing") this.useDrawing();
      else load(source.value === this.origin.split ? Number(index.value) : 0);
    });
    index.addEventListener("change", () => load(Number(index.value)));
    previous.addEventListener("click", () => step(-1));
    next.addEventListener("click", () => step(1));
    const own = this.drawOwn ? button("Draw your own") : null;
    if (own) own.addEventListener("click", () => this.drawOwn());
    const wrap = el(
      "div",
      { className: "example-chooser" },
      thumb,
      el("p", { className: "studied-line" }, "Studying ", said),
      el("label", {}, "Input ", source),
      number,
      previous,
      next,
      own,
      status,
    );
    const chooser = {
      show: () => {
        drawGray(thumb, this.x);
        const what = this.describe();
        thumb.setAttribute("aria-label", `the input: ${what}`);
        said.textContent =
          this.blank() && this.origin.split === "drawing"
            ? `${what}: draw a digit${splits.length ? ", or choose an image" : ""}`
            : what;
        const { split, index: n } = this.origin;
        if (source.value !== "random" || split !== "train") source.value = split;
        const image = split !== "drawing";
        number.hidden = previous.hidden = next.hidden = !image || source.value === "random";
        if (image) {
          index.value = String(n);
          index.max = String(
            (this.served ? SPLIT_SIZES[split] : this.samples.at(-1).index + 1) - 1,
          );
        }
      },
    };
    this.choosers.push(chooser);
    chooser.show();
    return wrap;
  }
}

function sameValues(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
