// The Weights view: hidden layer 1's weight grids; choosing one (a grid, or its number for the
// neurons past the grids shown) highlights the neuron in the diagrams and shows its bias and
// the test digits that excite it most.

import { api } from "./api.js";
import { MAX_GRIDS, PIXELS } from "./constants.js";
import { drawWeights, figure } from "./render.js";
import { Diagram } from "./diagram.js";
import { activation, value } from "./format.js";

// Buttons with a weight grid each, in `container`; weights: the first `shown` rows of W¹.
export function showGrids(container, weights, shown, onChoose = null) {
  const buttons = [];
  for (let j = 0; j < shown; j++) {
    const button = document.createElement(onChoose ? "button" : "figure");
    const canvas = document.createElement("canvas");
    drawWeights(canvas, weights, j * PIXELS);
    const caption = document.createElement("span");
    caption.textContent = onChoose ? `neuron ${j}` : String(j);
    button.append(canvas, caption);
    if (onChoose) {
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", `neuron ${j}`);
      button.addEventListener("click", () => onChoose(j, button));
    }
    buttons.push(button);
  }
  container.replaceChildren(...buttons);
}

export class WeightsView {
  constructor(root, drawDiagram) {
    this.root = root;
    this.drawDiagram = drawDiagram;
    this.diagram = new Diagram(root.querySelector("#weights-diagram"));
    this.model = null;
    this.pick = root.querySelector("#neuron-pick");
    this.pick.addEventListener("change", () => {
      const j = Math.round(Number(this.pick.value));
      const n = this.model.sizes[1];
      this.choose(Math.min(n - 1, Math.max(0, Number.isFinite(j) ? j : 0)));
    });
  }

  setModel(model) {
    this.model = model;
    this.diagram.setModel(model);
    const shown = Math.min(model.sizes[1], MAX_GRIDS);
    this.pick.max = String(model.sizes[1] - 1);
    this.pick.value = "0";
    showGrids(this.root.querySelector("#grids"), model.weights[0], shown, (j) => this.choose(j));
    this.root.querySelector("#neuron-title").textContent =
      model.sizes[1] > shown
        ? `Choose a neuron (grids for the first ${shown} of ${model.sizes[1]}; any by its number)`
        : "Choose a neuron";
    this.root.querySelector("#neuron-bias").textContent = "";
    this.root.querySelector("#neuron-top").replaceChildren();
  }

  showActivations(x, activations) {
    this.diagram.update(x, activations);
  }

  async choose(j) {
    this.pick.value = String(j);
    this.root
      .querySelectorAll("#grids button")
      .forEach((b, i) => b.setAttribute("aria-pressed", String(i === j)));
    this.diagram.setHighlight(1, j);
    this.drawDiagram.setHighlight(1, j);
    const bias = this.model.biases[0][j];
    this.root.querySelector("#neuron-title").textContent = `Neuron ${j} of hidden layer 1`;
    this.root.querySelector("#neuron-bias").textContent =
      `bias b = ${value(bias)}; loading the test digits that excite it most…`;
    const top = this.root.querySelector("#neuron-top");
    try {
      const asked = this.model;
      const info = await api(`/api/neurons/${j}?k=8`);
      if (asked !== this.model) return; // another model came meanwhile
      this.root.querySelector("#neuron-bias").textContent =
        `bias b = ${value(info.bias)}. The test digits that excite it most, ranked by ` +
        "its weighted input z = w·x + b (its activation a = σ(z) reads 1.00 for many):";
      top.replaceChildren(
        ...info.top.map((t) =>
          figure(
            t.pixels,
            `${t.label} · z=${value(t.z)}`,
            255,
            `test image ${t.index}, a ${t.label}: z = ${value(t.z)}, a = ${activation(t.activation)}`,
          ),
        ),
      );
    } catch (e) {
      this.root.querySelector("#neuron-bias").textContent =
        `bias b = ${value(bias)}. (${e.message})`;
      top.replaceChildren();
    }
  }
}
