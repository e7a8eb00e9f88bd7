// place-labels.js: labels crowded at one point near the picture's edge end inside it, apart.

import { test } from "node:test";
import assert from "node:assert/strict";
import { placeLabels } from "../../src/digitnet/web/static/js/place-labels.js";

const measure = (t) => 6 * t.length;
const box = (l) => ({ left: l.x, right: l.x + measure(l.text), top: l.y - 11, bottom: l.y + 3 });
const apart = (a, b) =>
  a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;

test("crowded labels at the right edge move inside the picture and off each other", () => {
  const names = ["GD: true C 0.071 (slice 0.070)", "SGD 100: true C 0.072 (slice 0.069)"];
  const labels = [...names, "SGD 10: true C 0.08", "momentum: true C 0.07", "θ*: C = 0.0724"].map(
    (text, i) => ({ text, x: 300 + i, y: 150 + 2 * i }),
  );
  for (const [width, height] of [
    [337, 337],
    [640, 640],
    [337, 60],
  ]) {
    const placed = placeLabels(labels, width, height, measure);
    const boxes = placed.map(box);
    boxes.forEach((b, i) => {
      assert.ok(b.left >= 0 && b.right <= width, `${placed[i].text} runs off the side`);
      assert.ok(b.top >= 0 && b.bottom <= height, `${placed[i].text} runs off the top or bottom`);
      if (height > 100)
        boxes.slice(i + 1).forEach((c) => assert.ok(apart(b, c), `${placed[i].text} covered`));
    });
  }
});

test("a label with room stays where it was put", () => {
  const [label] = placeLabels([{ text: "final", x: 40, y: 50, color: "#fff" }], 300, 200, measure);
  assert.deepEqual(label, { text: "final", x: 40, y: 50, color: "#fff" });
});

test("labels leave the marks to avoid visible (a ball under its own words)", () => {
  const ball = { left: 91, right: 109, top: 91, bottom: 109 };
  const labels = [
    { text: "C 0.896", x: 100, y: 100 },
    { text: "θ₀ start", x: 96, y: 104 },
  ];
  const placed = placeLabels(labels, 300, 300, measure, 14, [ball]);
  const boxes = placed.map(box);
  boxes.forEach((b, i) => assert.ok(apart(b, ball), `${placed[i].text} covers the ball`));
  assert.ok(apart(boxes[0], boxes[1]));
});
