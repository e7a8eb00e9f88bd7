// The learner's example (example.js): the first test digit is studied until the learner draws or
// picks another, and a blank drawing picked on purpose is studied, never replaced by it.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Example } from "../../src/digitnet/web/static/js/example.js";

/** A server that answers /api/backprop with a test digit once `answer()` is called. */
function slowServer() {
  const asked = [];
  let answer;
  const request = (path, { body }) => {
    asked.push(body.example);
    const pixels = new Array(784).fill(0);
    pixels[300] = 1;
    return new Promise((resolve) => {
      answer = () => resolve({ activations: [pixels], example: { label: 7 } });
    });
  };
  return { asked, request, answer: () => answer() };
}

test("with nothing chosen, the first test digit is studied once there is a model", async () => {
  const server = slowServer();
  const example = new Example({ request: server.request });
  const started = example.start();
  server.answer();
  await started;
  assert.deepEqual(server.asked, [{ split: "test", index: 0 }]);
  assert.deepEqual(example.origin, { split: "test", index: 0 });
  assert.equal(example.describe(), "test image 0 (a 7)");
});

test("a blank drawing picked before the first model stays studied when a model comes", async () => {
  const server = slowServer();
  const example = new Example({ request: server.request });
  example.useDrawing(); // the learner chose the (blank) drawing: no model yet
  await example.start(); // a model came (trained from the page, say)
  assert.deepEqual(server.asked, []);
  assert.equal(example.origin.split, "drawing");
  assert.ok(example.blank());
  assert.equal(example.describe(), "your drawing (blank)");
});

test("a blank drawing picked while the first test digit loads is not replaced by it", async () => {
  const server = slowServer();
  const example = new Example({ request: server.request });
  const started = example.start();
  example.useDrawing();
  server.answer();
  await started;
  assert.equal(example.origin.split, "drawing");
  assert.ok(example.blank());
});

test("a test image opened on the pad is studied as that image, until it is drawn on", () => {
  const example = new Example({ request: slowServer().request });
  const x = Float32Array.from({ length: 784 }, (_, i) => (i % 7) / 7);
  example.openImage(x, 3, { split: "test", index: 1234 });
  example.setDrawing(x); // the pad reports the image it shows: not a drawing
  assert.equal(example.describe(), `test image ${(1234).toLocaleString()} (a 3)`);
  assert.equal(example.trueLabel, 3);
  const drawn = Float32Array.from(x, (v, i) => (i === 0 ? 1 : v));
  example.setDrawing(drawn);
  assert.equal(example.describe(), "your drawing");
});
