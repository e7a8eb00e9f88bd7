// What the three learning views (Backprop, Gradient descent, Chain rule) share: elements made
// with textContent (never HTML strings), number formats and small canvas charts. The example
// they study is example.js's.

import { DIGITS, PIXELS, SIDE } from "./constants.js";
import { GREEN, RED, paper } from "./render.js";

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

/** A number with a sign and a fixed number of significant digits: "+0.0123", "−1.20e-5". */
export function signed(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  const text = Math.abs(v) >= 1e-3 || v === 0 ? v.toPrecision(digits) : v.toExponential(digits - 1);
  return (v < 0 ? "−" : "+") + text.replace(/^-/, "");
}

/** A plain number, 4 decimals by default, with a real minus sign. */
export function num(v, decimals = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  const text = Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(decimals) : v.toExponential(2);
  return text.replace(/^-/, "−");
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
    if (labels && (n <= 20 || i % 2 === 0)) {
      ctx.fillStyle = i === highlight ? "#ffd54a" : "#93a0b8";
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.fillText(String(labels[i]), slot * (i + 0.5), height - 4);
    }
  }
  return sized;
}

/**
 * A line chart: series [{points: [[x, y]…], color, dash?, label, dots?}], axes with a few
 * ticks, optional marks [{x, y, color, label}] and log-scaled axes. Returns {toX, toY}.
 */
export function lineChart(
  canvas,
  series,
  { xLabel = "", yLabel = "", logX = false, logY = false, marks = [], yRange = null } = {},
) {
  const sized = fit(canvas);
  if (!sized) return null;
  const { ctx, width, height } = sized;
  const left = 56;
  const bottom = 34;
  const right = 22; // room for the last tick's label
  const topPad = 12;
  const fx = logX ? Math.log10 : (v) => v;
  const fy = logY ? Math.log10 : (v) => v;
  const all = series.flatMap((s) => s.points).concat(marks.map((m) => [m.x, m.y]));
  const xs = all.map((p) => fx(p[0])).filter(Number.isFinite);
  const ys = all.map((p) => fy(p[1])).filter(Number.isFinite);
  if (!xs.length || !ys.length) return null;
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = yRange ? yRange.map(fy) : [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const margin = (y1 - y0) * 0.05;
  y0 -= margin;
  y1 += margin;
  const toX = (v) => left + ((fx(v) - x0) / (x1 - x0)) * (width - left - right);
  const toY = (v) => topPad + (1 - (fy(v) - y0) / (y1 - y0)) * (height - topPad - bottom);
  ctx.strokeStyle = "#3a4660";
  ctx.strokeRect(left, topPad, width - left - right, height - topPad - bottom);
  ctx.fillStyle = "#93a0b8";
  ctx.font = "11px system-ui, sans-serif";
  for (const [v, y] of ticks(y0, y1, logY).map((t) => [t, toY(logY ? 10 ** t : t)])) {
    ctx.textAlign = "right";
    ctx.fillText(tick(logY ? 10 ** v : v), left - 4, y + 4);
  }
  for (const [v, x] of ticks(x0, x1, logX).map((t) => [t, toX(logX ? 10 ** t : t)])) {
    ctx.textAlign = "center";
    ctx.fillText(tick(logX ? 10 ** v : v), x, height - bottom + 14);
  }
  ctx.fillText(xLabel, left + (width - left - right) / 2, height - 4);
  ctx.save();
  ctx.translate(12, topPad + (height - topPad - bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, topPad, width - left - right, height - topPad - bottom);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width || 1.8;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(toX(x), toY(y)) : ctx.moveTo(toX(x), toY(y))));
    ctx.stroke();
    if (s.dots) for (const [x, y] of s.points) ctx.fillRect(toX(x) - 2, toY(y) - 2, 4, 4);
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

// Tick positions between lo and hi (in log10 units on a log axis: the whole powers of ten).
function ticks(lo, hi, log) {
  if (log) {
    const first = Math.ceil(lo - 1e-9);
    const last = Math.floor(hi + 1e-9);
    const every = Math.max(1, Math.ceil((last - first + 1) / 6));
    const found = [];
    for (let t = first; t <= last; t += every) found.push(t);
    return found;
  }
  const raw = (hi - lo) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const found = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    found.push(Math.round(t / step) * step);
  return found;
}

function tick(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.01) return v.toExponential(0).replace("-", "−");
  return Number(v.toPrecision(3)).toString().replace("-", "−");
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

/** Ten distinct colours for the ten outputs (and for up to ten contributions). */
export const PALETTE = [
  "#4fc3ff",
  "#ff9f43",
  "#a78bfa",
  "#f472b6",
  "#34d399",
  "#facc15",
  "#60a5fa",
  "#fb7185",
  "#2dd4bf",
  "#c084fc",
];

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
