// The Experiments view: noise in → confident nonsense out; the dreamed digits; the mistakes
// (loaded when the view opens, again when the model changes; each opens in the Draw view).

import { api } from "./api.js";
import { figure } from "./render.js";
import { activation, count } from "./format.js";

export class ExperimentsView {
  constructor(root, openInDraw) {
    this.root = root;
    this.openInDraw = openInDraw; // (pixels 0–255, note, {index, label}) → the test image in the Draw view
    this.offset = 0;
    this.total = null;
    this.stale = false; // the mistakes shown are not the current model's (none before one)
    this.generation = 0; // how many times the model changed
    new MutationObserver(() => this.opened()).observe(root, { attributeFilter: ["hidden"] });
    root.querySelector("#noise-run").addEventListener("click", () => this.noise());
    root.querySelector("#dream-run").addEventListener("click", () => this.dream());
    root
      .querySelector("#mistakes-prev")
      .addEventListener("click", () => this.mistakes(this.offset - 12));
    root
      .querySelector("#mistakes-next")
      .addEventListener("click", () => this.mistakes(this.offset + (this.total === null ? 0 : 12)));
  }

  // The model changed: its mistakes are others; reload them now if the view is open.
  modelChanged() {
    this.stale = true;
    this.generation += 1; // answers asked of the old model are dropped when they come
    // the noise's and the dreams' answers were the old model's
    for (const id of ["#noise-summary", "#dream-status"])
      this.root.querySelector(id).textContent = "";
    for (const id of ["#noise-thumbs", "#dream-thumbs"])
      this.root.querySelector(id).replaceChildren();
    this.opened();
  }

  opened() {
    if (this.root.hidden || !this.stale) return;
    this.stale = false;
    this.total = null;
    this.mistakes(0);
  }

  async noise() {
    const summary = this.root.querySelector("#noise-summary");
    summary.textContent = "Feeding noise…";
    try {
      const asked = this.generation;
      const r = await api("/api/experiments/noise", {
        method: "POST",
        body: { n: 1000, seed: Date.now() % 100000, show: 12 },
      });
      if (asked !== this.generation) return; // about another model
      const text = r.conclusion.charAt(0).toUpperCase() + r.conclusion.slice(1);
      summary.textContent = `${text}. How often each answer 0–9 came up: ${r.answers.join(", ")}.`;
      this.root
        .querySelector("#noise-thumbs")
        .replaceChildren(
          ...r.examples.map((ex) =>
            figure(
              ex.pixels,
              `${ex.answer} (${activation(ex.outputs[ex.answer])})`,
              255,
              `noise read as ${ex.answer}`,
            ),
          ),
        );
    } catch (e) {
      summary.textContent = `Failed: ${e.message}`;
    }
  }

  async dream() {
    const status = this.root.querySelector("#dream-status");
    status.textContent = "Dreaming…";
    try {
      const asked = this.generation;
      const r = await api("/api/experiments/dream", {
        method: "POST",
        body: { steps: 200, seed: 0 },
      });
      if (asked !== this.generation) return; // about another model
      status.textContent =
        "Each image is made to light up one output (its own output below; brightened to its brightest pixel):";
      this.root
        .querySelector("#dream-thumbs")
        .replaceChildren(
          ...r.images.map((px, d) =>
            figure(px, `${d} (${activation(r.outputs[d][d])})`, Math.max(1, ...px), `dreamed ${d}`),
          ),
        );
    } catch (e) {
      status.textContent = `Failed: ${e.message}`;
    }
  }

  async mistakes(offset) {
    const status = this.root.querySelector("#mistakes-status");
    offset = Math.max(0, this.total === null ? 0 : Math.min(offset, Math.max(0, this.total - 1)));
    status.textContent = "Loading…";
    try {
      const asked = this.generation;
      const r = await api(`/api/mistakes?offset=${offset}&limit=12`);
      if (asked !== this.generation) return; // about another model
      this.offset = offset;
      this.total = r.total;
      status.textContent = `${count(r.total)} of ${count(r.tested)} test images wrong; showing ${r.total ? offset + 1 : 0}–${offset + r.items.length}`;
      this.root.querySelector("#mistakes-thumbs").replaceChildren(
        ...r.items.map((m) => {
          const what = `test image ${m.index}: a ${m.label} read as ${m.answer}`;
          const fig = figure(m.pixels, "", 255, what);
          fig.classList.add("wrong");
          const answer = document.createElement("b");
          answer.textContent = String(m.answer);
          fig.querySelector("figcaption").append(`${m.label} → `, answer);
          const open = document.createElement("button");
          open.type = "button";
          open.className = "open-thumb";
          open.title = "Open it in the Draw view";
          open.dataset.index = String(m.index);
          open.dataset.answer = String(m.answer);
          open.append(fig);
          const note = `${cap(what)}. Draw on it, or Clear.`;
          open.addEventListener("click", () =>
            this.openInDraw(m.pixels, note, { index: m.index, label: m.label }),
          );
          return open;
        }),
      );
    } catch (e) {
      status.textContent = `Failed: ${e.message}`;
    }
  }
}

function cap(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
