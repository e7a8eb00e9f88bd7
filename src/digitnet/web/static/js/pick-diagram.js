// The network diagram for the learning views: edges chosen and coloured by any per-weight
// values (the weights themselves, or the desired changes −∂C/∂w), and clickable: a click picks
// a neuron, an edge, or a pixel of the input grid. Layers are numbered like the activations.

import { PIXELS, SIDE } from "./constants.js";
import { Diagram } from "./diagram.js";
import { el } from "./chapters.js";
import { layerName } from "./chain-math.js";

const HIT = 5; // pixels from an edge or a disc that still count as a click on it

export class PickDiagram extends Diagram {
  /** A diagram on a new canvas described by ariaLabel; onPick(hit, event) on a click. */
  static inCanvas(ariaLabel, onPick = null) {
    const canvas = el("canvas", { className: "diagram", role: "img", "aria-label": ariaLabel });
    return new PickDiagram(canvas, onPick);
  }

  constructor(canvas, onPick = null) {
    super(canvas);
    if (onPick) {
      canvas.addEventListener("click", (e) => {
        const rect = canvas.getBoundingClientRect();
        const hit = this.pickAt(e.clientX - rect.left, e.clientY - rect.top);
        if (hit) onPick(hit, e);
      });
      canvas.style.cursor = "pointer";
    }
  }

  /** Show, for every layer l of weights, the values (flat, n_l × n_{l−1}) on the edges. */
  showValues(values) {
    this.values = values;
    this.choose();
  }

  pickEdge(edge) {
    this.pickedEdge = edge;
    this.highlight = null;
    this.choose();
  }

  pickNeuron(layer, neuron) {
    this.pickedEdge = null;
    this.setHighlight(layer, neuron);
  }

  draw() {
    super.draw();
    if (!this.sized || !this.model || !this.pickedEdge) return;
    const { layer, to, from } = this.pickedEdge;
    const geo = this.layout(this.sized.width, this.sized.height);
    const end = geo.at(layer, to);
    const start = geo.at(layer - 1, from);
    if (!end || !start) return;
    const { ctx } = this.sized;
    ctx.strokeStyle = "#4fc3ff";
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(start.x, start.y);
    ctx.lineTo(end.x, end.y);
    ctx.stroke();
    ctx.lineWidth = 1;
  }

  /** What is at (x, y) in CSS pixels: {kind: "neuron", layer, neuron} | {kind: "edge", layer,
   * to, from} | {kind: "pixel", index}, or null. */
  pickAt(x, y) {
    if (!this.sized || !this.model) return null;
    const geo = this.layout(this.sized.width, this.sized.height);
    for (const [c, column] of geo.columns.entries()) {
      for (const [j, disc] of column) {
        if (Math.hypot(x - disc.x, y - disc.y) <= disc.r + HIT)
          return { kind: "neuron", layer: c + 1, neuron: j };
      }
    }
    const { grid } = geo;
    if (x >= grid.x && x < grid.x + grid.size && y >= grid.y && y < grid.y + grid.size) {
      const index =
        Math.floor((y - grid.y) / grid.cell) * SIDE + Math.floor((x - grid.x) / grid.cell);
      return { kind: "pixel", index };
    }
    let best = null;
    let bestDistance = HIT;
    this.edges.forEach((layer, l) => {
      for (const { to: j, incoming } of layer) {
        for (const [i] of incoming) {
          const d = segmentDistance(x, y, geo.at(l, i), geo.at(l + 1, j));
          if (d < bestDistance) {
            bestDistance = d;
            best = { kind: "edge", layer: l + 1, to: j, from: i };
          }
        }
      }
    });
    return best;
  }
}

function segmentDistance(x, y, p, q) {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const t = Math.max(0, Math.min(1, ((x - p.x) * dx + (y - p.y) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (p.x + t * dx), y - (p.y + t * dy));
}

/**
 * Labelled inputs for what a diagram click picks, for the keyboard and for neurons a wide
 * layer does not draw: the layer (named), the neuron, and for a weight the neuron or pixel it
 * comes from. show(model, pick) fills them in for that model; read(kind) returns the pick they
 * say, kept within the model; onChange() on every change. testid: their data-testid's prefix.
 */
export class PickInputs {
  constructor(onChange, testid) {
    this.layer = el("select", { dataset: { testid: `${testid}-layer` } });
    const number = (part) => ({
      type: "number",
      min: 0,
      value: 0,
      dataset: { testid: `${testid}-${part}` },
    });
    this.to = el("input", number("neuron"));
    this.from = el("input", number("from"));
    this.fromName = el("span", { textContent: "from neuron" });
    this.fromLabel = el("label", {}, this.fromName, " ", this.from);
    this.labels = [
      el("label", {}, "in ", this.layer),
      el("label", {}, "neuron ", this.to),
      this.fromLabel,
    ];
    for (const input of [this.layer, this.to, this.from])
      input.addEventListener("change", (e) => onChange(e));
  }

  show(model, pick) {
    const { sizes } = model;
    const L = sizes.length - 1;
    const last = pick.kind === "activation" ? L - 1 : L;
    const names = Array.from({ length: last }, (_, i) => layerName(L, i + 1));
    if (Array.from(this.layer.options, (o) => o.text).join() !== names.join()) {
      this.layer.replaceChildren(...names.map((name, i) => new Option(name, String(i + 1))));
    }
    this.model = model;
    this.layer.value = String(pick.layer);
    this.to.value = String(pick.kind === "activation" ? pick.neuron : pick.to);
    this.to.max = String(sizes[pick.layer] - 1);
    this.from.value = String(pick.from ?? 0);
    this.from.max = String(sizes[pick.layer - 1] - 1);
    this.fromLabel.hidden = pick.kind !== "weight";
    this.fromName.textContent =
      pick.layer === 1 && sizes[0] === PIXELS ? "from pixel" : "from neuron";
  }

  read(kind) {
    const { sizes } = this.model;
    const L = sizes.length - 1;
    const layer = clamp(Number(this.layer.value), 1, kind === "activation" ? L - 1 : L);
    const to = clamp(Number(this.to.value), 0, sizes[layer] - 1);
    const from = clamp(Number(this.from.value), 0, sizes[layer - 1] - 1);
    if (kind === "weight") return { kind, layer, to, from };
    return kind === "bias" ? { kind, layer, to } : { kind, layer, neuron: to };
  }
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, Number.isFinite(v) ? Math.round(v) : lo));
}
