// The story's picture of the network: the input as its 28×28 grid, then a column of discs per
// layer (at most SHOWN; a wider layer shows the neurons that matter most for this scene and
// says how many more it has), and over it whatever the scene is saying at this moment: how far
// the forward pass has lit each layer, the nudges as arrows beside the discs (as long as the
// nudge within its layer, green + up, red − down), the edges' desired changes, a path of edges.
// paint(state) draws the whole picture from state, so the timeline can show any moment.

import { SIDE } from "./constants.js";
import { GREEN, RED, drawGray } from "./render.js";
import { fit, rgb } from "./chapters.js";

export const SHOWN = 16; // discs per layer at most
const EDGES_IN = 5; // each shown neuron's incoming edges drawn (its largest)
const GOLD = "#ffd54a";

/** The indices of the n largest |values| (all of them if there are n or fewer), in order. */
export function largest(values, n, keep = []) {
  const order = Array.from(values.keys()).sort((p, q) => Math.abs(values[q]) - Math.abs(values[p]));
  const chosen = new Set(keep.filter((k) => k < values.length));
  for (const k of order) {
    if (chosen.size >= Math.min(n, values.length)) break;
    chosen.add(k);
  }
  return [...chosen].sort((p, q) => p - q);
}

export class NetPicture {
  /**
   * model, result: backprop(model, x, label); by: "activation" or "nudge", which neurons a wide
   * layer shows; keep: {layer: [neurons]} always shown.
   */
  constructor(canvas, model, result, { by = "activation", keep = {} } = {}) {
    this.canvas = canvas;
    this.model = model;
    this.result = result;
    const L = model.sizes.length - 1;
    this.shown = [];
    for (let l = 1; l <= L; l++) {
      const basis = by === "nudge" ? result.nudges[l - 1] : result.activations[l];
      this.shown.push(largest(basis, SHOWN, keep[l] || []));
    }
    this.incoming = this.shown.map((js, i) => js.map((j) => this.strongest(i + 1, j)));
    this.state = {};
    this.image = document.createElement("canvas"); // the input, 28×28
    drawGray(this.image, result.activations[0]);
    canvas.setAttribute("role", "img");
  }

  // The EDGES_IN inputs k of neuron j (layer l) whose signal wⱼₖ aₖ is largest, among those shown.
  strongest(l, j) {
    const { sizes, weights } = this.model;
    const nIn = sizes[l - 1];
    const from = l === 1 ? Array.from({ length: nIn }, (_, k) => k) : this.shown[l - 2];
    const a = this.result.activations[l - 1];
    const signal = from.map((k) => weights[l - 1][j * nIn + k] * a[k]);
    return largest(signal, EDGES_IN).map((i) => from[i]);
  }

  layout(width, height) {
    const L = this.model.sizes.length - 1;
    const pad = 14;
    const grid = Math.min(height - 2 * pad - 16, width * 0.26);
    const gx = pad;
    const gy = (height - 16 - grid) / 2;
    const left = gx + grid + Math.max(24, width * 0.08);
    const right = width - pad - 44; // room for the digits and the arrows
    const columns = this.shown.map((js, i) => {
      const x = L === 1 ? right : left + ((right - left) * i) / (L - 1);
      const step = (height - 2 * pad - 16) / js.length;
      const r = Math.max(3, Math.min(10, step * 0.36));
      return js.map((j, n) => ({ j, x, y: pad + step * (n + 0.5), r, step }));
    });
    const cell = grid / SIDE;
    const pixel = (k) => ({
      x: gx + ((k % SIDE) + 0.5) * cell,
      y: gy + (Math.floor(k / SIDE) + 0.5) * cell,
    });
    return { grid: { x: gx, y: gy, size: grid, cell }, columns, pixel, bottom: height - 6 };
  }

  /** Where neuron j of layer l (0: a pixel) is drawn, or null if it is not shown. */
  position(geo, l, j) {
    if (l === 0) return geo.pixel(j);
    return geo.columns[l - 1].find((d) => d.j === j) || null;
  }

  /**
   * state: lit [per layer 0…L, 0…1] (default all lit), arrows [{layer, values, progress}],
   * grads [{layer, progress}] (edges into layer coloured by −∂C/∂w, the others faint), path [[l, from, to]]
   * (edges into layer l), ring [[l, j]] (neurons circled in gold).
   */
  paint(state = this.state) {
    this.state = state;
    const sized = fit(this.canvas);
    if (!sized) return;
    const { ctx, width, height } = sized;
    const { model, result } = this;
    const L = model.sizes.length - 1;
    const lit = state.lit || new Array(L + 1).fill(1);
    const geo = this.layout(width, height);
    this.canvas.dataset.columns = geo.columns.map((c) => c[0].x.toFixed(1)).join(" "); // for tests
    const act = result.activations;
    const top = act.map((a, l) =>
      l > 0 && l < L && model.activation === "relu" ? Math.max(1, ...a) : 1,
    );
    const grads = new Map((state.grads || []).map((g) => [g.layer, g.progress]));

    // edges: the weight's sign and size, as lit as the layer they feed
    for (let l = 1; l <= L; l++) {
      const nIn = model.sizes[l - 1];
      const W = model.weights[l - 1];
      const g = result.grad_weights[l - 1];
      const gTop = grads.has(l)
        ? maxAbs(
            this.shown[l - 1].flatMap((j, n) => this.incoming[l - 1][n].map((k) => g[j * nIn + k])),
          )
        : 1;
      const wTop = maxAbs(W);
      this.shown[l - 1].forEach((j, n) => {
        const to = this.position(geo, l, j);
        for (const k of this.incoming[l - 1][n]) {
          const from = this.position(geo, l - 1, k);
          if (!from) continue;
          let colour;
          let size;
          if (grads.has(l)) {
            // the desired change −∂C/∂wⱼₖ, appearing as it is computed
            const d = -g[j * nIn + k];
            size = Math.abs(d) / gTop;
            colour = rgb(d >= 0 ? GREEN : RED, (0.15 + 0.85 * size) * grads.get(l));
          } else {
            const w = W[j * nIn + k];
            size = Math.min(1, (3 * Math.abs(w)) / wTop);
            const signal = Math.min(1, (act[l - 1][k] || 0) / top[l - 1]);
            colour = rgb(
              w >= 0 ? GREEN : RED,
              (0.08 + 0.5 * signal * size) * (0.25 + 0.75 * lit[l]) * (grads.size ? 0.3 : 1),
            );
          }
          stroke(ctx, from, to, colour, 0.5 + 2.5 * size);
        }
      });
    }
    for (const [l, k, j] of state.path || []) {
      const from = this.position(geo, l - 1, k);
      const to = this.position(geo, l, j);
      if (from && to) stroke(ctx, from, to, GOLD, 3);
    }

    // the input grid (drawn once, scaled up), as lit as layer 0
    const { grid } = geo;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.image, grid.x, grid.y, grid.size, grid.size);
    ctx.fillStyle = `rgba(11,15,23,${0.7 * (1 - lit[0])})`;
    ctx.fillRect(grid.x, grid.y, grid.size, grid.size);
    ctx.strokeStyle = "#3a4660";
    ctx.strokeRect(grid.x - 0.5, grid.y - 0.5, grid.size + 1, grid.size + 1);

    // the discs, lit by their activation once their layer is reached
    const rings = new Set((state.ring || []).map(([l, j]) => `${l}:${j}`));
    ctx.font = "11px system-ui, sans-serif";
    geo.columns.forEach((column, i) => {
      const l = i + 1;
      for (const d of column) {
        const v = Math.min(1, act[l][d.j] / top[l]) * lit[l];
        ctx.beginPath();
        ctx.arc(d.x, d.y, d.r, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
        ctx.fill();
        const ringed = rings.has(`${l}:${d.j}`);
        ctx.lineWidth = ringed ? 2.5 : 1;
        ctx.strokeStyle = ringed ? GOLD : "#56617a";
        ctx.stroke();
        if (l === L) {
          ctx.fillStyle = ringed ? GOLD : "#c8d0e0";
          ctx.textAlign = "left";
          ctx.textBaseline = "middle";
          ctx.fillText(String(d.j), d.x + d.r + 4, d.y);
        }
      }
      const more = model.sizes[l] - column.length;
      if (more > 0) {
        ctx.fillStyle = "#93a0b8";
        ctx.textAlign = "center";
        ctx.textBaseline = "alphabetic";
        ctx.fillText(`+${more} more`, column[0].x, geo.bottom);
      }
    });

    // the nudges: an arrow beside each disc, as long as the nudge within its layer
    for (const { layer, values, progress } of state.arrows || []) {
      const biggest = maxAbs(values);
      for (const d of geo.columns[layer - 1]) {
        const v = values[d.j];
        // a hidden layer's discs are close (a phone, a wide layer): its arrows stay within their
        // own disc's slot, and the +/− at the tip only where there is room for it
        const out = layer === L;
        const room = out ? Math.max(8, Math.min(28, d.step * 1.6)) : Math.min(28, d.step * 0.9);
        const length = (Math.abs(v) / biggest) * room * progress;
        if (length < 0.5) continue;
        const x = d.x + d.r + (out ? 16 : 3);
        arrow(ctx, x, d.y, -Math.sign(v) * length, v >= 0 ? GREEN : RED, out || d.step >= 24);
      }
    }
  }
}

function maxAbs(values) {
  let top = 1e-12;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return top;
}

function stroke(ctx, from, to, colour, width) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}

// A vertical arrow from (x, y), dy long (negative: up), with its sign written at the tip when
// `sign` (else its direction and colour say it).
function arrow(ctx, x, y, dy, colour, sign = true) {
  const c = rgb(colour);
  const head = Math.min(5, Math.abs(dy) * 0.5);
  stroke(ctx, { x, y }, { x, y: y + dy }, c, 2.5);
  ctx.fillStyle = c;
  ctx.beginPath();
  ctx.moveTo(x - 4, y + dy + Math.sign(-dy) * head);
  ctx.lineTo(x + 4, y + dy + Math.sign(-dy) * head);
  ctx.lineTo(x, y + dy);
  ctx.fill();
  if (!sign) return;
  ctx.font = "bold 11px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(dy < 0 ? "+" : "−", x + 5, y + dy);
}
