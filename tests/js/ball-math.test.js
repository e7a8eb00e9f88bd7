// ball-math.js: the training stream folded into the picture's state, a recorded path at so
// many examples, and the slice's square with one scale for α and β.

import assert from "node:assert/strict";
import { test } from "node:test";

import { along, foldRun, square } from "../../src/digitnet/web/static/js/ball-math.js";

const plane = (id, trail) => ({ id, trail, alphas: [-1, 1], betas: [-1, 1] });
const ball = (planeId, alpha, step) => ({ plane: planeId, alpha, beta: 0, step });

test("foldRun: a new plane replaces the trail; balls of an older plane are left out", () => {
  const events = [
    ["status", { message: "training" }],
    ["ball", ball(1, 9, 1)], // before any plane: nowhere to put it
    ["plane", plane(1, [{ alpha: 0, beta: 0, step: 0 }])],
    ["ball", ball(1, 0.5, 10)],
    ["batch", { cost: 1 }],
    [
      "plane",
      plane(2, [
        { alpha: 0, beta: 0, step: 0 },
        { alpha: 0.4, beta: 0.1, step: 10 },
      ]),
    ],
    ["ball", ball(1, 0.7, 20)], // laid on plane 1, arriving late: not on this picture
    ["ball", ball(2, 0.8, 20)],
  ];
  const s = foldRun(events);
  assert.equal(s.plane.id, 2);
  assert.deepEqual(
    s.trail.map((p) => p.step),
    [0, 10, 20],
  );
  assert.equal(s.ball.alpha, 0.8);
  assert.equal(s.positions, 2);
  assert.equal(foldRun(events.slice(0, 6)).ball, null); // a new plane: no ball until its own
  assert.deepEqual(foldRun([]), { plane: null, trail: [], ball: null, positions: 0 });
});

test("along: straight between recorded points, the last point reached for the cost", () => {
  const path = {
    points: [
      [0, 0],
      [2, 4],
      [3, 4],
    ],
    examples_seen: [0, 100, 300],
    cost_true: [3, 2, 1],
  };
  assert.deepEqual(along(path, 50), { alpha: 1, beta: 2, index: 0, examples: 0, cost_true: 3 });
  assert.deepEqual(along(path, 200), {
    alpha: 2.5,
    beta: 4,
    index: 1,
    examples: 100,
    cost_true: 2,
  });
  assert.deepEqual(along(path, 1e9), { alpha: 3, beta: 4, index: 2, examples: 300, cost_true: 1 });
  assert.deepEqual(along(path, -5), { alpha: 0, beta: 0, index: 0, examples: 0, cost_true: 3 });
});

test("square: one scale for α and β, centred, the edges of the grid on the square's", () => {
  const box = square([-2, 0, 2], [0, 1], 300, 200, 10); // α spans 4, β only 1
  assert.equal(box.size, 180);
  assert.equal(box.left, 60);
  assert.equal(box.toX(-2), 60);
  assert.equal(box.toX(2), 240);
  assert.equal(box.toY(0.5), 100); // the middle of β in the middle of the square
  assert.equal(box.toY(1) - box.toY(0), -45); // a unit of β as long as a unit of α
  assert.equal(box.toX(1) - box.toX(0), 45);
});
