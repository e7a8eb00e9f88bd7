// What the story's scenes share: a canvas in the scene's stage, a table of the numbers a
// picture shows (for every reader), easing, and other test digits to set beside the learner's.

import { el, scroller } from "./chapters.js";

/** A canvas of the given class, labelled for screen readers, added to the scene's stage. */
export function canvasIn(view, className, label) {
  const canvas = el("canvas", { className: `story-canvas ${className}`, role: "img" });
  canvas.setAttribute("aria-label", label);
  view.stage.append(canvas);
  return canvas;
}

/** A table: caption, header cells, rows of cells (strings); added to the stage. The last
 * column is its key (kept in view when the table scrolls sideways) when `key` is set. */
export function table(view, caption, head, rows, { key = false } = {}) {
  const last = head.length - 1;
  const cls = (i) => (key && i === last ? "key" : "");
  const t = el(
    "table",
    { className: "story-table" },
    el("caption", { textContent: caption }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...head.map((h, i) => el("th", { textContent: h, scope: "col", className: cls(i) })),
      ),
    ),
    el(
      "tbody",
      {},
      ...rows.map((cells) =>
        el("tr", {}, ...cells.map((c, i) => el("td", { textContent: c, className: cls(i) }))),
      ),
    ),
  );
  const wrap = scroller(caption, t);
  view.stage.append(wrap);
  return t;
}

/** Slow at both ends. */
export const ease = (p) => (p < 0.5 ? 2 * p * p : 1 - 2 * (1 - p) * (1 - p));

const OTHER_DIGITS = 24; // test digits fetched once per model, to average over and to step

/**
 * Other digits to set beside the learner's: [{label, x}] (x: 784 numbers in [0, 1]), test
 * images from the server (the same 24 each time: seed 0), or those embedded in an exported
 * page (but the learner's own); null when there are none.
 */
export async function otherDigits(view, example) {
  const toX = (bytes) => Float64Array.from(bytes, (v) => v / 255);
  if (!view.served) {
    const { split, index } = example.origin;
    const others = (view.samples || []).filter((s) => split !== "test" || s.index !== index);
    return others.length ? others.map((s) => ({ label: s.label, x: toX(s.pixels_255) })) : null;
  }
  const key = view.model;
  if (otherDigits.key !== key) {
    otherDigits.key = key;
    otherDigits.found = view
      .api("/api/backprop/step", {
        method: "POST",
        body: { example: { split: "test", index: 0 }, others: OTHER_DIGITS, seed: 0 },
      })
      .then((r) => r.others.map((o) => ({ label: o.label, x: toX(o.pixels_255), index: o.index })));
  }
  return otherDigits.found;
}

/** "a 7", "an 8": a digit with its article. */
export const aDigit = (d) => `${d === 8 ? "an" : "a"} ${d}`;

export const STEP_ETA = 3; // the learning rate of the steps the story takes: the video's

/** What a scene says where the digits it needs are missing. */
export function needsServer(view, what) {
  view.stage.append(
    el("p", {
      className: "story-offline",
      textContent: `${what} needs the server: run \`digitnet serve\` and open this scene there.`,
    }),
  );
}
