// What every chart on the page shares that is plain arithmetic (tested under Node): an axis's
// scale and labelled ticks from scale.js, the legend's place above the plot. chapters.js and
// learn.js draw with them.

import { linearScale, logScale, axisTicks } from "./scale.js";

/**
 * Series colours: Okabe and Ito's palette, designed to stay distinct for colour-blind readers
 * (their black is the page's near-white here, on the dark background). Every chart takes its
 * series' colours from it, in this order, and names them in a legend.
 */
export const SERIES = [
  "#e69f00", // orange
  "#56b4e9", // sky blue
  "#009e73", // bluish green
  "#f0e442", // yellow
  "#cc79a7", // reddish purple
  "#d55e00", // vermillion
  "#0072b2", // blue
  "#e6ebf5", // near-white
];

const FLOOR = 1e-12; // values at or below zero sit here on a log axis

/**
 * A scale for `values` on [from, to] pixels (to < from for a y axis: it runs upwards): linear,
 * its domain widened to round ticks, or log (positive values only; non-positive ones are
 * floored). `domain` overrides the values' extent; `pad` widens a linear one by that fraction.
 * Null when there is nothing to show.
 */
export function scaleFor(
  values,
  from,
  to,
  { log = false, domain = null, pad = 0, nice = true } = {},
) {
  const shown = values.filter(Number.isFinite).map((v) => (log ? Math.max(v, FLOOR) : v));
  let [lo, hi] = domain ?? [Math.min(...shown), Math.max(...shown)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  if (log) {
    [lo, hi] = [Math.max(lo, FLOOR), Math.max(hi, FLOOR)];
    if (hi / lo < 1.5) [lo, hi] = [lo / 1.25, hi * 1.25]; // never a single point
    const widen = (hi / lo) ** pad; // the same share of the axis as on a linear one
    return logScale([lo / widen, hi * widen], [from, to]);
  }
  if (hi === lo) [lo, hi] = lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  [lo, hi] = [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
  const scale = linearScale([lo, hi], [from, to]);
  return nice ? scale.nice(tickCount(from, to)) : scale;
}

// about one tick per 100 pixels across, one per 40 up
const tickCount = (from, to) =>
  Math.max(2, Math.floor(Math.abs(to - from) / (to < from ? 40 : 100)));

/** The labels' format: on a linear axis fixed decimals, on a log axis plain numbers; exponents
 * for all of an axis's labels when its numbers are very small or big. */
function specFor(scale) {
  const [lo, hi] = scale.domain.map(Math.abs).sort((a, b) => a - b);
  const extreme = (scale.type === "log" ? lo : hi) < 1e-4 || hi >= 1e6;
  return extreme ? "~e" : scale.type === "log" ? "~g" : ",f";
}

/** An axis's ticks for a scale: [{value, label, at}] (at: the pixel); on a log axis the
 * unlabelled ones (label "") are minor ticks. The scale may carry its own tick `count` and
 * label `spec` (scale.axis = {count, spec}). */
export function axis(scale) {
  const [from, to] = scale.range;
  const spec = scale.axis?.spec ?? specFor(scale);
  let count = scale.axis?.count ?? tickCount(from, to);
  let ticks = axisTicks(scale, count, spec);
  // a short axis may round to a single labelled tick: ask for more until two are labelled
  for (let more = 0; more < 3 && ticks.filter((t) => t.label).length < 2; more++) {
    count *= 2;
    ticks = axisTicks(scale, count, spec);
  }
  return ticks.map((t) => ({ ...t, at: scale(t.value) }));
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
