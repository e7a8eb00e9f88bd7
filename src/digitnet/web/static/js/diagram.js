// The network diagram: the 784 inputs as the 28×28 grid, every other neuron a disc lit by its
// activation, edges green (+) or red (−) and as thick as |w|. Only each neuron's strongest
// incoming edges are drawn (TOP_EDGES), and at most MAX_DISCS neurons per layer, to stay readable.

import { PIXELS, SIDE } from "./constants.js";
import { argmax } from "./network.js";
import { GREEN, RED, paper, sharpCanvas } from "./render.js";

const TOP_EDGES = 8;
const MAX_DISCS = 32;

export class Diagram {
  constructor(canvas) {
    this.canvas = canvas;
    this.model = null;
    this.input = new Float32Array(PIXELS);
    this.activations = null;
    this.highlight = null; // {layer, neuron}: layer 1 is the first hidden layer
    this.sized = null; // {ctx, width, height}: the canvas's pixels, sized again only on a resize
    new ResizeObserver(() => {
      this.sized = null;
      this.draw();
    }).observe(canvas);
  }

  setModel(model) {
    this.model = model;
    this.activations = null;
    this.input = new Float32Array(model.sizes[0]);
    // for each layer and each shown neuron: its strongest incoming edges [source, weight]
    this.edges = model.weights.map((W, l) => {
      const nIn = model.sizes[l];
      const shownIn = l === 0 ? nIn : Math.min(nIn, MAX_DISCS);
      return range(Math.min(model.sizes[l + 1], MAX_DISCS)).map((j) => {
        const row = range(shownIn).map((i) => [i, W[j * nIn + i]]);
        row.sort((p, q) => Math.abs(q[1]) - Math.abs(p[1]));
        return row.slice(0, TOP_EDGES);
      });
    });
    this.maxAbs = this.edges.map((layer) =>
      Math.max(1e-12, ...layer.flat().map(([, w]) => Math.abs(w))),
    );
    this.draw();
  }

  update(input, activations) {
    this.input = input;
    this.activations = activations;
    this.draw();
  }

  setHighlight(layer, neuron) {
    this.highlight = { layer, neuron };
    this.draw();
  }

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
      const n = Math.min(sizes[l], MAX_DISCS);
      const step = (height - 2 * pad) / n;
      const radius = Math.max(2, Math.min(11, step * 0.38));
      columns.push(range(n).map((j) => ({ x, y: pad + step * (j + 0.5), r: radius })));
    }
    const pixel = (i) => ({
      x: gx + ((i % SIDE) + 0.5) * cell,
      y: gy + (Math.floor(i / SIDE) + 0.5) * cell,
    });
    return { grid: { x: gx, y: gy, size: grid, cell }, columns, pixel };
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
    const position = (l, i) => (l === 0 ? geo.pixel(i) : geo.columns[l - 1][i]);

    // edges, under the discs
    this.edges.forEach((layer, l) => {
      layer.forEach((incoming, j) => {
        const to = geo.columns[l][j];
        const lit = this.highlight && this.highlight.layer === l + 1 && this.highlight.neuron === j;
        for (const [i, w] of incoming) {
          const from = position(l, i);
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
      });
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
    geo.columns.forEach((column, c) => {
      const l = c + 1;
      column.forEach((disc, j) => {
        const v = this.activations ? Math.min(1, value(l, j)) : 0;
        ctx.beginPath();
        ctx.arc(disc.x, disc.y, disc.r, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
        ctx.fill();
        const lit = this.highlight && this.highlight.layer === l && this.highlight.neuron === j;
        ctx.lineWidth = lit || (l === outputs && j === answer) ? 2.5 : 1;
        ctx.strokeStyle = lit ? "#4fc3ff" : l === outputs && j === answer ? "#ffd54a" : "#56617a";
        ctx.stroke();
        if (l === outputs) {
          ctx.fillStyle = j === answer ? "#ffd54a" : "#c8d0e0";
          ctx.font = `${Math.max(10, disc.r * 1.3)}px system-ui, sans-serif`;
          ctx.textBaseline = "middle";
          ctx.fillText(String(j), disc.x + disc.r + 6, disc.y);
        }
      });
    });
  }

  // What each layer's activations are divided by to lie in [0, 1], once per draw: a ReLU hidden
  // layer's largest (at least 1), else 1.
  scales() {
    const last = this.activations.length - 1;
    const relu = this.model.activation === "relu";
    return this.activations.map((a, k) => (relu && k < last ? Math.max(1, ...a) : 1));
  }
}

function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}
