// Small pictures on canvases: 28×28 inputs in gray, weight grids in green (+) and red (−).

import { PIXELS, SIDE } from "./constants.js";

export const GREEN = [64, 220, 120];
export const RED = [240, 72, 72];

/** Size a canvas's pixels to its CSS box at the screen's pixel ratio, clear it to the page's
 * background, and return {ctx, width, height} in CSS pixels (null while it is not laid out). */
export function sharpCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return null;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return paper({ ctx, width, height });
}

/** Clear a sized canvas ({ctx, width, height}) to the page's background; returns it. */
export function paper(sized) {
  sized.ctx.fillStyle = "#0b0f17";
  sized.ctx.fillRect(0, 0, sized.width, sized.height);
  return sized;
}

// A 28×28 image from 784 values in [0, 1] (or 0–255 with scale 255), white ink on black.
export function drawGray(canvas, values, scale = 1) {
  if (canvas.width !== SIDE || canvas.height !== SIDE) {
    canvas.width = SIDE;
    canvas.height = SIDE;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(SIDE, SIDE);
  const rgba = img.data;
  for (let i = 0; i < PIXELS; i++) {
    const v = Math.round(Math.min(Math.max(values[i] / scale, 0), 1) * 255);
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0); // every pixel, so no clearing needed
}

// A neuron's 784 incoming weights: green positive, red negative, brightness = |w| / max |w|.
export function drawWeights(canvas, weights, offset = 0) {
  canvas.width = SIDE;
  canvas.height = SIDE;
  let top = 1e-12;
  for (let i = 0; i < PIXELS; i++) top = Math.max(top, Math.abs(weights[offset + i]));
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < PIXELS; i++) {
    const w = weights[offset + i];
    const t = Math.abs(w) / top;
    const [r, g, b] = w >= 0 ? GREEN : RED;
    img.data.set([r * t, g * t, b * t, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}

// A labelled little picture (a figure with a canvas and a caption) for lists of digits.
export function figure(values, caption, scale = 255, title = "") {
  const fig = document.createElement("figure");
  fig.className = "thumb";
  const canvas = document.createElement("canvas");
  drawGray(canvas, values, scale);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", title || caption);
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  fig.append(canvas, cap);
  return fig;
}
