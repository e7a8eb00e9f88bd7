// What the three learning views (Backprop, Gradient descent, Chain rule) share: elements made
// with textContent (never HTML strings), number formats and small canvas charts. The example
// they study is example.js's.

import { DIGITS, PIXELS, SIDE } from "./constants.js";
import { GREEN, RED, paper } from "./render.js";
import { SERIES, axis, chartLayout, scaleFor } from "./chart.js";
import { format, pretty } from "./format.js";

/** An element: el("p", {className: "muted", textContent: "…"}, child, "text", …). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("aria-") || key === "role" || key === "for")
      node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Words for a screen reader only (the .sr-only class hides them from the eye). */
export const spoken = (textContent) => el("span", { className: "sr-only", textContent });

/** A table in a box that scrolls sideways when the screen is narrow: a named region the
 * keyboard can reach and scroll. Its key column (cells of class "key") stays in view. */
export function scroller(name, ...table) {
  const props = { className: "table-wrap", role: "region", tabIndex: 0, "aria-label": name };
  return el("div", props, ...table);
}

/** A button that acts on the page (never a form's submit), with its text and other props. */
export function button(textContent, props = {}) {
  return el("button", { type: "button", textContent, ...props });
}

/** A number with a sign and `digits` significant digits: "+0.0123", "−1.20e−5"; exactly 0: "0". */
export function signed(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (v === 0) return "0"; // exactly nothing, −0 too: no sign, no made-up digits
  const small = Math.abs(v) < 1e-3 && v !== 0;
  return pretty(format(small ? `+.${digits - 1}e` : `+.${digits}g`)(v));
}

/** A plain number, 4 decimals by default (3 significant digits below 0.001), the real minus. */
export function num(v, decimals = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  const small = Math.abs(v) < 1e-3 && v !== 0;
  return pretty(format(small ? ".2e" : `.${decimals}f`)(v));
}

export const rgb = ([r, g, b], alpha = 1) => `rgba(${r},${g},${b},${alpha})`;

/** A label picker 0–9 (a select), calling onPick with the digit. */
export function labelPicker(testid, onPick) {
  const select = el("select", {
    dataset: { testid },
    "aria-label": "The label: the digit this example should be",
  });
  for (let d = 0; d < DIGITS; d++) select.append(new Option(String(d), String(d)));
  select.addEventListener("change", (e) => onPick(Number(select.value), e));
  return select;
}

/** Label every how many of a row of bars `slot` px apart, for labels at least 28 px apart:
 * 1, 2, 5, 10, 20, 50, … */
export function labelEvery(slot) {
  for (let step = 1; ; step *= 10) {
    for (const m of [1, 2, 5]) if (slot * step * m >= 28) return step * m;
  }
}

/**
 * Bars for signed values from a middle line, green up (positive) and red down, as tall as
 * |v| / scale; labels under each bar; the highlighted bar outlined. Returns the sized canvas.
 */
export function signedBars(
  canvas,
  values,
  { scale = null, labels = null, highlight = -1, colors = null } = {},
) {
  const sized = fit(canvas);
  if (!sized) return null;
  const { ctx, width, height } = sized;
  const n = values.length;
  const top = scale ?? Math.max(1e-12, ...Array.from(values, Math.abs));
  const pad = 18;
  const mid = (height - pad) / 2;
  const slot = width / n;
  const bar = Math.max(2, slot * 0.62);
  const every = labelEvery(slot);
  ctx.strokeStyle = "#3a4660";
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(width, mid);
  ctx.stroke();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const h = Math.min(1, Math.abs(v) / top) * (mid - 4) * Math.sign(v);
    const x = slot * i + (slot - bar) / 2;
    ctx.fillStyle = colors ? colors[i] : rgb(v >= 0 ? GREEN : RED);
    ctx.fillRect(x, mid - Math.max(h, 0), bar, Math.abs(h));
    if (i === highlight) {
      ctx.strokeStyle = "#ffd54a";
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 2, 2, bar + 4, height - pad - 4);
      ctx.lineWidth = 1;
    }
    if (labels && (i % every === 0 || i === highlight)) {
      ctx.fillStyle = i === highlight ? "#ffd54a" : "#93a0b8";
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "center";
      const text = String(labels[i]);
      const half = ctx.measureText(text).width / 2; // kept inside the chart
      ctx.fillText(text, Math.min(width - half, Math.max(half, slot * (i + 0.5))), height - 4);
    }
  }
  return sized;
}

/**
 * A line chart: series [{points: [[x, y]…], color, dash?, label, dots?}], axes with ticks from
 * scale.js, optional marks [{x, y, color, label}] and log-scaled axes. Returns {toX, toY, ctx}.
 */
export function lineChart(
  canvas,
  series,
  { xLabel = "", yLabel = "", logX = false, logY = false, marks = [], yRange = null } = {},
) {
  const sized = fit(canvas);
  if (!sized) return null;
  const { ctx, width, height } = sized;
  ctx.font = "11px system-ui, sans-serif";
  // the named series' legend in rows above the plot: a short stretch of each line and its name
  const named = series.filter((s) => s.label);
  const measure = (text) => ctx.measureText(text).width;
  const margin = { left: 56, right: 22, bottom: 34, row: 16 };
  const laid = chartLayout(
    width,
    height,
    named.map((s) => s.label),
    measure,
    margin,
  );
  const plot = { ...laid.plot, top: named.length ? laid.plot.top : 12 };
  laid.legend.forEach((item, i) => {
    ctx.strokeStyle = ctx.fillStyle = named[i].color;
    ctx.lineWidth = 2;
    ctx.setLineDash(named[i].dash || []);
    ctx.beginPath();
    ctx.moveTo(item.x, item.y);
    ctx.lineTo(item.x + 16, item.y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    ctx.fillText(named[i].label, item.x + 22, item.y);
  });
  const all = series.flatMap((s) => s.points).concat(marks.map((m) => [m.x, m.y]));
  const positive = (log) => (v) => Number.isFinite(v) && (!log || v > 0);
  const xs = all.map((p) => p[0]).filter(positive(logX));
  const ys = all.map((p) => p[1]).filter(positive(logY));
  if (!xs.length || !ys.length) return null;
  const y = scaleFor(ys, plot.bottom, plot.top, {
    log: logY,
    domain: yRange,
    pad: 0.05,
    nice: false,
  });
  // room on the left for the widest y label and the axis's name beside it
  plot.left = 26 + Math.max(24, ...axis(y).map((t) => measure(t.label))) + 8;
  const x = scaleFor(xs, plot.left, plot.right, { log: logX, nice: false });
  drawAxes(canvas, ctx, plot, { x, y });
  ctx.fillStyle = "#93a0b8";
  ctx.textAlign = "center";
  // centred under the plot, squeezed rather than cut where the canvas is narrow
  const middle = (plot.left + plot.right) / 2;
  ctx.fillText(xLabel, middle, height - 4, 2 * Math.min(middle, width - middle) - 4);
  ctx.save();
  ctx.translate(12, (plot.top + plot.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  ctx.clip();
  const toX = (v) => x(logX ? Math.max(v, 1e-12) : v);
  const toY = (v) => y(logY ? Math.max(v, 1e-12) : v);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width || 1.8;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    s.points.forEach(([a, b], i) => (i ? ctx.lineTo(toX(a), toY(b)) : ctx.moveTo(toX(a), toY(b))));
    ctx.stroke();
    if (s.dots) for (const [a, b] of s.points) ctx.fillRect(toX(a) - 2, toY(b) - 2, 4, 4);
  }
  ctx.setLineDash([]);
  for (const m of marks) {
    ctx.fillStyle = m.color;
    ctx.beginPath();
    ctx.arc(toX(m.x), toY(m.y), m.radius || 5, 0, 2 * Math.PI);
    ctx.fill();
    if (m.label) {
      ctx.textAlign = "left";
      ctx.fillText(m.label, toX(m.x) + 8, toY(m.y) - 6);
    }
  }
  ctx.restore();
  return { toX, toY, ctx };
}

/**
 * A plot's frame and its axes' ticks and labels: axes {x?, y?, right?} are scales (chart.js's
 * scaleFor) drawn below, left and right of the plot {left, right, top, bottom}; a log axis's
 * unlabelled ticks are short marks. The labelled ticks are kept on the canvas as
 * data-axes='{"x": [[value, label, pixel]…], "y": …}' for the tests.
 */
export function drawAxes(canvas, ctx, plot, axes) {
  ctx.strokeStyle = "#3a4660";
  ctx.lineWidth = 1;
  ctx.strokeRect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  ctx.fillStyle = "#93a0b8";
  const kept = {};
  for (const [side, scale] of Object.entries(axes)) {
    if (!scale) continue;
    const ticks = axis(scale);
    kept[side] = ticks.filter((t) => t.label).map((t) => [t.value, t.label, t.at]);
    ctx.textAlign = side === "x" ? "center" : side === "y" ? "right" : "left";
    ctx.textBaseline = side === "x" ? "top" : "middle";
    ctx.beginPath();
    for (const { label, at } of ticks) {
      const long = label ? 5 : 3;
      if (side === "x") {
        ctx.moveTo(at, plot.bottom);
        ctx.lineTo(at, plot.bottom + long);
        ctx.fillText(label, at, plot.bottom + 6);
      } else {
        const edge = side === "y" ? plot.left : plot.right;
        const out = side === "y" ? -1 : 1;
        ctx.moveTo(edge, at);
        ctx.lineTo(edge + out * long, at);
        ctx.fillText(label, edge + out * 7, at);
      }
    }
    ctx.stroke();
  }
  ctx.textBaseline = "alphabetic";
  canvas.dataset.axes = JSON.stringify(kept);
}

/** A legend: [{color, label}] as small swatches. */
export function legend(items) {
  return el(
    "div",
    { className: "legend" },
    ...items.map(({ color, label }) =>
      el("span", {}, el("i", { style: `background:${color}` }), label),
    ),
  );
}

/** Ten colours for the ten outputs (and for up to ten contributions): the colour-blind-safe
 * series palette, then two greys; always shown with the digit they stand for. */
export const PALETTE = [...SERIES, "#9aa5b8", "#5d6b85"];

/**
 * Like render.sharpCanvas (pixels for the CSS box at the screen's pixel ratio, cleared to the
 * page's background; {ctx, width, height} in CSS pixels, null while not laid out), but the
 * canvas is resized only when its box changed: resizing a canvas costs far more than clearing.
 */
export function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return null;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  return paper({ ctx, width, height });
}

/** A 28×28 grid of signed values (from `offset`), green +, red −, brightness = |v| / top. */
export function drawSigned(canvas, values, offset = 0, top = null) {
  if (canvas.width !== SIDE || canvas.height !== SIDE) {
    canvas.width = SIDE;
    canvas.height = SIDE;
  }
  let scale = top;
  if (scale === null) {
    scale = 1e-12;
    for (let i = 0; i < PIXELS; i++) scale = Math.max(scale, Math.abs(values[offset + i]));
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < PIXELS; i++) {
    const v = values[offset + i];
    const t = Math.min(1, Math.abs(v) / Math.max(scale, 1e-12));
    const [r, g, b] = v >= 0 ? GREEN : RED;
    img.data.set([r * t, g * t, b * t, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}

const LATENCIES_KEPT = 200;

/** Interaction latencies: from the input event's timestamp to the frame after the update
 * (times), and of that the update's own work (work), in ms, the latest LATENCIES_KEPT. */
export class Latency {
  constructor() {
    this.times = [];
    this.work = [];
  }

  measure(event, update) {
    const started = performance.now();
    update();
    const done = performance.now();
    const since = event ? event.timeStamp : started;
    keepLatest(this.work, done - started);
    requestAnimationFrame(() => keepLatest(this.times, performance.now() - since));
  }
}

function keepLatest(list, value) {
  list.push(value);
  if (list.length > LATENCIES_KEPT) list.shift();
}

/** Call fn whenever `root` stops being hidden (a tab was opened). */
export function whenShown(root, fn) {
  new MutationObserver(() => {
    if (!root.hidden) fn();
  }).observe(root, { attributes: true, attributeFilter: ["hidden"] });
}

/** A part of a view: a heading, a line of help, then its contents. */
export function section(title, help, ...children) {
  return el(
    "section",
    { className: "chapter-part" },
    el("h2", { textContent: title }),
    el("p", { className: "muted help", textContent: help }),
    ...children,
  );
}

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** A whole number as subscript digits: sub(12) = "₁₂". */
export const sub = (n) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** A whole number as superscript digits: sup(3) = "³" (a layer's number, as in w³). */
export const sup = (n) => String(n).replace(/\d/g, (d) => SUPERSCRIPTS[d]);

/**
 * Pairs of bars per category, from zero up: [{values, color, label}] × categories with labels;
 * values in [0, top]. For outputs before and after a step.
 */
export function pairedBars(canvas, groups, labels, top = 1) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const bottom = 18;
  const slot = width / labels.length;
  const bar = (slot * 0.7) / groups.length;
  ctx.strokeStyle = "#3a4660";
  ctx.beginPath();
  ctx.moveTo(0, height - bottom);
  ctx.lineTo(width, height - bottom);
  ctx.stroke();
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  labels.forEach((label, i) => {
    groups.forEach((g, n) => {
      const h = (Math.min(top, Math.max(0, g.values[i])) / top) * (height - bottom - 6);
      ctx.fillStyle = g.color;
      ctx.fillRect(slot * i + slot * 0.15 + n * bar, height - bottom - h, bar - 1, h);
    });
    ctx.fillStyle = "#93a0b8";
    ctx.fillText(String(label), slot * (i + 0.5), height - 4);
  });
}
