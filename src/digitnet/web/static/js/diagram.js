// The network diagram: the 784 inputs as the 28×28 grid, every other neuron a disc lit by its
// activation, edges green (+) or red (−) and as thick as |w|. To stay readable on any network,
// a layer shows at most MAX_DISCS discs (the rest summarised as "+284 more") and each shown
// neuron only its strongest incoming edges (TOP_EDGES); a chosen neuron is always shown.

import { PIXELS, SIDE } from "./constants.js";
import { argmax } from "./network.js";
import { GREEN, RED, paper, sharpCanvas } from "./render.js";

const TOP_EDGES = 8;
export const MAX_DISCS = 20;
const SUMMARY = 16; // pixels under a column for its "+N more"

/**
 * The neurons of a layer of n that get a disc: all when n ≤ most, else the first ones with the
 * wanted ones (a chosen neuron, an end of a chosen edge) in their place, in ascending order.
 */
export function shownNeurons(n, wanted = [], most = MAX_DISCS) {
  if (n <= most) return range(n);
  const must = [...new Set(wanted.filter((j) => j >= 0 && j < n))].slice(0, most);
  const shown = new Set(must);
  for (let j = 0; shown.size < most; j++) shown.add(j);
  return [...shown].sort((a, b) => a - b);
}

export class Diagram {
  constructor(canvas) {
    this.canvas = canvas;
    this.model = null;
    this.input = new Float32Array(PIXELS);
    this.activations = null;
    this.highlight = null; // {layer, neuron}: layer 1 is the first hidden layer
    this.pickedEdge = null; // {layer, to, from}: drawn always (pick-diagram.js picks it)
    this.values = null; // per layer of weights, what the edges show (default: the weights)
    this.sized = null; // {ctx, width, height}: the canvas's pixels, sized again only on a resize
    new ResizeObserver(() => {
      this.sized = null;
      this.draw();
    }).observe(canvas);
  }

  setModel(model) {
    this.model = model;
    this.activations = null;
    this.highlight = null;
    this.pickedEdge = null;
    this.values = null; // another model's values fit no longer
    this.input = new Float32Array(model.sizes[0]);
    this.choose();
  }

  update(input, activations) {
    this.input = input;
    this.activations = activations;
    this.draw();
  }

  setHighlight(layer, neuron) {
    this.highlight = { layer, neuron };
    this.choose();
  }

  /** The neurons shown in each layer (index 0: the input, null) and each shown neuron's
   * strongest incoming edges by |value|: edges[l] = [{to, incoming: [[from, value]…]}]. */
  choose() {
    if (!this.model) return;
    const { sizes } = this.model;
    const wanted = (l) => {
      const found = [];
      const h = this.highlight;
      const e = this.pickedEdge;
      if (h && h.layer === l) found.push(h.neuron);
      if (e && e.layer === l) found.push(e.to);
      if (e && e.layer - 1 === l) found.push(e.from);
      return found;
    };
    this.shown = sizes.map((n, l) => (l === 0 ? null : shownNeurons(n, wanted(l))));
    const values = this.values ?? this.model.weights;
    this.edges = values.map((V, l) => {
      const nIn = sizes[l];
      const sources = l === 0 ? range(nIn) : this.shown[l];
      return this.shown[l + 1].map((j) => {
        const row = sources.map((i) => [i, V[j * nIn + i]]);
        row.sort((p, q) => Math.abs(q[1]) - Math.abs(p[1]));
        const incoming = row.slice(0, TOP_EDGES);
        const e = this.pickedEdge;
        if (e && e.layer === l + 1 && e.to === j && !incoming.some(([i]) => i === e.from))
          incoming.push([e.from, V[j * nIn + e.from]]); // the chosen edge is always drawn
        return { to: j, incoming };
      });
    });
    this.maxAbs = this.edges.map((layer) =>
      Math.max(1e-12, ...layer.flatMap((t) => t.incoming.map(([, w]) => Math.abs(w)))),
    );
    this.draw();
  }

  /** Positions: the input grid, a Map neuron → disc per column, pixel(i), at(l, j). */
  layout(width, height) {
    const sizes = this.model.sizes;
    const pad = 16;
    const grid = Math.min(height - 2 * pad, width * 0.3);
    const cell = grid / SIDE;
    const gx = pad;
    const gy = (height - grid) / 2;
    const cols = sizes.length - 1;
    const left = gx + grid + width * 0.08;
    const right = width - pad - 28; // room for the digit labels (28 px)
    const columns = [];
    for (let l = 1; l <= cols; l++) {
      const x = cols === 1 ? right : left + ((right - left) * (l - 1)) / (cols - 1);
      const shown = this.shown[l];
      const room = height - 2 * pad - (shown.length < sizes[l] ? SUMMARY : 0);
      const step = room / shown.length;
      const radius = Math.max(2, Math.min(11, step * 0.38));
      columns.push(new Map(shown.map((j, n) => [j, { x, y: pad + step * (n + 0.5), r: radius }])));
    }
    const pixel = (i) => ({
      x: gx + ((i % SIDE) + 0.5) * cell,
      y: gy + (Math.floor(i / SIDE) + 0.5) * cell,
    });
    const at = (l, j) => (l === 0 ? pixel(j) : columns[l - 1].get(j));
    return { grid: { x: gx, y: gy, size: grid, cell }, columns, pixel, at, pad };
  }

  draw() {
    this.sized ??= sharpCanvas(this.canvas);
    if (!this.sized) return;
    const { ctx, width, height } = paper(this.sized);
    if (!this.model) return;
    const geo = this.layout(width, height);
    const scales = this.activations ? this.scales() : null;
    // activation of neuron j in layer l (0 = input), in [0, 1] for ReLU layers too
    const value = (l, j) =>
      l === 0 ? this.input[j] || 0 : this.activations[l - 1][j] / scales[l - 1];

    // edges, under the discs
    this.edges.forEach((layer, l) => {
      for (const { to: j, incoming } of layer) {
        const to = geo.at(l + 1, j);
        const lit = this.highlight && this.highlight.layer === l + 1 && this.highlight.neuron === j;
        for (const [i, w] of incoming) {
          const from = geo.at(l, i);
          const strength = Math.abs(w) / this.maxAbs[l];
          const signal = this.activations ? 0.15 + 0.85 * Math.min(1, value(l, i)) : 0.4;
          const [r, g, b] = w >= 0 ? GREEN : RED;
          ctx.strokeStyle = `rgba(${r},${g},${b},${lit ? 0.95 : 0.12 + 0.6 * signal * strength})`;
          ctx.lineWidth = (lit ? 1.5 : 0.4) + 2.2 * strength;
          ctx.beginPath();
          ctx.moveTo(from.x, from.y);
          ctx.lineTo(to.x, to.y);
          ctx.stroke();
        }
      }
    });

    // the input grid
    const { grid } = geo;
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(Math.min(1, Math.max(0, this.input[i] || 0)) * 255);
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      const p = geo.pixel(i);
      ctx.fillRect(p.x - grid.cell / 2, p.y - grid.cell / 2, grid.cell - 0.3, grid.cell - 0.3);
    }
    ctx.strokeStyle = "#3a4660";
    ctx.lineWidth = 1;
    ctx.strokeRect(grid.x - 0.5, grid.y - 0.5, grid.size + 1, grid.size + 1);

    // the neurons
    const outputs = this.model.sizes.length - 1;
    const answer = this.activations ? argmax(this.activations[outputs - 1]) : -1;
    ctx.textBaseline = "middle";
    geo.columns.forEach((column, c) => {
      const l = c + 1;
      const shown = this.shown[l];
      for (const [n, j] of shown.entries()) {
        const disc = column.get(j);
        const v = this.activations ? Math.min(1, value(l, j)) : 0;
        ctx.beginPath();
        ctx.arc(disc.x, disc.y, disc.r, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
        ctx.fill();
        const lit = this.highlight && this.highlight.layer === l && this.highlight.neuron === j;
        ctx.lineWidth = lit || (l === outputs && j === answer) ? 2.5 : 1;
        ctx.strokeStyle = lit ? "#4fc3ff" : l === outputs && j === answer ? "#ffd54a" : "#56617a";
        ctx.stroke();
        ctx.font = `${Math.max(10, Math.min(14, disc.r * 1.3))}px system-ui, sans-serif`;
        if (l === outputs) {
          ctx.textAlign = "left";
          ctx.fillStyle = j === answer ? "#ffd54a" : "#c8d0e0";
          ctx.fillText(String(j), disc.x + disc.r + 6, disc.y);
        } else if (j !== n) {
          // out of the first ones' order (a chosen neuron): say which it is
          ctx.textAlign = "right";
          ctx.fillStyle = "#c8d0e0";
          ctx.fillText(`#${j}`, disc.x - disc.r - 3, disc.y);
        }
      }
      const more = this.model.sizes[l] - shown.length;
      if (more > 0) {
        const x = column.get(shown[0]).x;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.fillStyle = "#93a0b8";
        ctx.fillText(`+${more.toLocaleString()} more`, x, height - geo.pad - SUMMARY / 2 + 4);
      }
    });
    ctx.textAlign = "left";
    ctx.textBaseline = "alphabetic";
  }

  // What each layer's activations are divided by to lie in [0, 1], once per draw: a ReLU hidden
  // layer's largest (at least 1), else 1.
  scales() {
    const last = this.activations.length - 1;
    const relu = this.model.activation === "relu";
    return this.activations.map((a, k) => (relu && k < last ? Math.max(1, ...a) : 1));
  }
}

export function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}
