// A slice of the real cost, painted: its grid of costs as colours on a log scale (dark blue
// low … yellow high) and contour lines at the server's log-spaced levels, over a rectangle of
// a canvas (α left to right, β bottom to top). The Gradient view's landscape and the ball's
// both paint with it; each draws its own paths and labels on top.

import { isolines } from "./contour.js";

/**
 * Paint slice r ({alphas, betas, cost: rows over β (null: beyond float range), min_cost,
 * max_cost, levels}) over {left, top, width, height} of ctx.
 */
export function paintSlice(ctx, r, { left, top, width, height }) {
  const { alphas, betas, cost } = r;
  const [a0, a1] = [alphas[0], alphas.at(-1)];
  const [b0, b1] = [betas[0], betas.at(-1)];
  const toX = (a) => left + ((a - a0) / (a1 - a0)) * width;
  const toY = (b) => top + (1 - (b - b0) / (b1 - b0)) * height;
  const at = (i, j) => cost[i][j] ?? r.max_cost; // beyond float range: as high as the highest
  const lo = Math.log(Math.max(r.min_cost, 1e-9));
  const hi = Math.log(Math.max(r.max_cost, r.min_cost * 1.0001, 1e-9));
  // the grid's colours as a tiny image (row 0 at the top: the last β), smoothly scaled up
  const [na, nb] = [alphas.length, betas.length];
  const tiny = document.createElement("canvas");
  tiny.width = na;
  tiny.height = nb;
  const tctx = tiny.getContext("2d");
  const img = tctx.createImageData(na, nb);
  for (let i = 0; i < nb; i++) {
    for (let j = 0; j < na; j++) {
      const t = (Math.log(Math.max(at(i, j), 1e-9)) - lo) / (hi - lo || 1);
      img.data.set([...heat(t), 255], 4 * ((nb - 1 - i) * na + j));
    }
  }
  tctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tiny, 0.5, 0.5, na - 1, nb - 1, left, top, width, height); // centres on the grid
  // contour lines (contour.js) at the server's log-spaced levels; sample (j, i) is (αⱼ, βᵢ)
  const da = (a1 - a0) / (na - 1);
  const db = (b1 - b0) / (nb - 1);
  const values = cost.flatMap((row, i) => row.map((_, j) => at(i, j)));
  ctx.strokeStyle = "rgba(255,255,255,0.45)";
  ctx.lineWidth = 1;
  for (const level of r.levels || []) {
    ctx.beginPath();
    for (const line of isolines(values, na, nb, level))
      line.forEach(([j, i], k) => {
        const [x, y] = [toX(a0 + j * da), toY(b0 + i * db)];
        if (k) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
    ctx.stroke();
  }
  ctx.strokeStyle = "#3a4660";
  ctx.strokeRect(left, top, width, height);
}

/** Text readable on any colour: drawn over a dark outline. */
export function outlined(ctx, text, x, y, color) {
  ctx.textAlign = "left";
  ctx.lineWidth = 3;
  ctx.strokeStyle = "rgba(11,15,23,0.85)";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.lineWidth = 1;
}

// dark blue (low) → teal → green → yellow (high), as [r, g, b]
function heat(t) {
  const s = Math.min(1, Math.max(0, t));
  const stops = [
    [13, 27, 62],
    [25, 110, 140],
    [90, 190, 120],
    [250, 220, 90],
  ];
  const x = s * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
}
