// The Experiments view: noise in → confident nonsense out; the dreamed digits; the mistakes.

import { api } from "./api.js";
import { figure } from "./render.js";

export class ExperimentsView {
  constructor(root) {
    this.root = root;
    this.offset = 0;
    this.total = null;
    root.querySelector("#noise-run").addEventListener("click", () => this.noise());
    root.querySelector("#dream-run").addEventListener("click", () => this.dream());
    root
      .querySelector("#mistakes-prev")
      .addEventListener("click", () => this.mistakes(this.offset - 12));
    root
      .querySelector("#mistakes-next")
      .addEventListener("click", () => this.mistakes(this.offset + (this.total === null ? 0 : 12)));
  }

  async noise() {
    const summary = this.root.querySelector("#noise-summary");
    summary.textContent = "Feeding noise…";
    try {
      const r = await api("/api/experiments/noise", {
        method: "POST",
        body: { n: 1000, seed: Date.now() % 100000, show: 12 },
      });
      const text = r.conclusion.charAt(0).toUpperCase() + r.conclusion.slice(1);
      summary.textContent = `${text}. How often each answer 0–9 came up: ${r.answers.join(", ")}.`;
      this.root
        .querySelector("#noise-thumbs")
        .replaceChildren(
          ...r.examples.map((ex) =>
            figure(
              ex.pixels,
              `${ex.answer} (${ex.outputs[ex.answer].toFixed(2)})`,
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
      const r = await api("/api/experiments/dream", {
        method: "POST",
        body: { steps: 200, seed: 0 },
      });
      status.textContent =
        "Each image is made to light up one output (its own output below; brightened to its brightest pixel):";
      this.root
        .querySelector("#dream-thumbs")
        .replaceChildren(
          ...r.images.map((px, d) =>
            figure(px, `${d} (${r.outputs[d][d].toFixed(2)})`, Math.max(1, ...px), `dreamed ${d}`),
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
      const r = await api(`/api/mistakes?offset=${offset}&limit=12`);
      this.offset = offset;
      this.total = r.total;
      status.textContent = `${r.total.toLocaleString()} of ${r.tested.toLocaleString()} test images wrong; showing ${r.total ? offset + 1 : 0}–${offset + r.items.length}`;
      this.root.querySelector("#mistakes-thumbs").replaceChildren(
        ...r.items.map((m) => {
          const fig = figure(
            m.pixels,
            "",
            255,
            `test image ${m.index}: a ${m.label} read as ${m.answer}`,
          );
          fig.classList.add("wrong");
          const answer = document.createElement("b");
          answer.textContent = String(m.answer);
          fig.querySelector("figcaption").append(`${m.label} → `, answer);
          return fig;
        }),
      );
    } catch (e) {
      status.textContent = `Failed: ${e.message}`;
    }
  }
}
