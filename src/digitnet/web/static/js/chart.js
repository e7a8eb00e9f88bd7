// The Learn view's chart, the parts that are plain arithmetic (tested under Node): a log axis
// that suits the costs, the epoch ticks, and a layout that keeps the legend above the plot,
// clear of the lines. learn.js draws with them.

const MANTISSAS = [1, 2, 5]; // log-axis ticks at 1, 2, 5 × 10ᵏ
const FLOOR = 1e-6; // costs below this (or zero) sit on the floor of a log axis

/** The first digit of a number: 2 for 0.02. */
const leading = (v) => Number(v.toExponential(0)[0]);

/** The 1-2-5 numbers from 10^kLow to 10^kHigh, in order. */
function steps(kLow, kHigh) {
  const out = [];
  for (let k = kLow; k <= kHigh; k++) for (const m of MANTISSAS) out.push(Number(`${m}e${k}`));
  return out;
}

/** A log axis for positive `values`: {lo, hi, ticks}, lo and hi the 1-2-5 numbers around
 * them; null when there is nothing to show (the empty chart gets no made-up axis). */
export function logAxis(values) {
  const shown = values.filter((v) => Number.isFinite(v)).map((v) => Math.max(v, FLOOR));
  if (!shown.length) return null;
  const min = Math.min(...shown);
  const max = Math.max(...shown);
  const candidates = steps(Math.floor(Math.log10(min)) - 1, Math.ceil(Math.log10(max)) + 1);
  let lo = Math.max(...candidates.filter((c) => c <= min));
  let hi = Math.min(...candidates.filter((c) => c >= max));
  if (lo === hi) {
    lo = candidates[candidates.indexOf(lo) - 1];
    hi = candidates[candidates.indexOf(hi) + 1];
  }
  let ticks = candidates.filter((c) => c >= lo && c <= hi);
  if (ticks.length > 8) {
    // many decades: whole decades, powers of ten only
    lo = Number(`1e${Math.floor(Math.log10(lo))}`);
    hi = Number(`1e${Math.ceil(Math.log10(hi))}`);
    ticks = candidates.filter((c) => c >= lo && c <= hi && MANTISSAS[0] === leading(c));
  }
  return { lo, hi, ticks };
}

/** y in pixels of value v on a log axis {lo, hi} drawn from `bottom` up to `top`. */
export function logY(axis, v, top, bottom) {
  const t = Math.log(Math.max(v, FLOOR) / axis.lo) / Math.log(axis.hi / axis.lo);
  return bottom - Math.min(Math.max(t, 0), 1) * (bottom - top);
}

/** A tick's label: 0.05, 0.2, 1, 20; 1e-4 for the very small. */
export function tickLabel(v) {
  return v >= 1e-3 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace("+", "");
}

/** Epoch labels for a run of `epochs`: 0, step, 2·step, … (a 1-2-5 step, at most 10 labels). */
export function epochTicks(epochs) {
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => epochs / s <= 10) ?? 100;
  const ticks = [];
  for (let e = 0; e <= epochs; e += step) ticks.push(e);
  return ticks;
}

/** The chart's boxes: the legend's items laid out in rows above the plot, wrapping where the
 * width ends; the plot below them. measure(text) → its width in pixels.
 * Returns {plot: {left, top, right, bottom}, legend: [{text, x, y}]} (y: the row's middle). */
export function chartLayout(width, height, items, measure, margin = {}) {
  const m = { left: 52, right: 52, bottom: 28, row: 18, swatch: 22, gap: 18, ...margin };
  const legend = [];
  let x = m.left;
  let row = 0;
  for (const text of items) {
    const w = m.swatch + measure(text);
    if (x > m.left && x + w > width - m.right) {
      row += 1;
      x = m.left;
    }
    legend.push({ text, x, y: 6 + m.row * row + m.row / 2, width: w });
    x += w + m.gap;
  }
  const top = 6 + m.row * (row + 1) + 8;
  return { plot: { left: m.left, top, right: width - m.right, bottom: height - m.bottom }, legend };
}
