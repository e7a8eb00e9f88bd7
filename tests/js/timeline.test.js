// The page's timeline on a clock moved by hand: play, pause, step, replay, cancel, and a new
// run cancelling the one before.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Timeline } from "../../src/digitnet/web/static/js/timeline.js";

/** A clock whose frames come only when advance(ms) is called. */
function handClock() {
  let now = 0;
  let next = 1;
  const pending = new Map();
  return {
    now: () => now,
    request(fn) {
      pending.set(next, fn);
      return next++;
    },
    cancel: (id) => pending.delete(id),
    advance(ms) {
      now += ms;
      const due = [...pending.values()];
      pending.clear();
      due.forEach((fn) => fn(now));
    },
    get waiting() {
      return pending.size;
    },
  };
}

const LAYERS = [
  { name: "layer 1", duration: 500 },
  { name: "layer 2", duration: 500 },
  { name: "layer 3", duration: 500 },
];

function recorder() {
  const painted = [];
  const render = (stage, progress) => painted.push([stage, Number(progress.toFixed(3))]);
  return { painted, render };
}

test("a run plays its stages in order, one render a frame, and stops at the end", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const { painted, render } = recorder();
  tl.run(LAYERS, render);
  assert.deepEqual(painted, [[0, 0]]);
  assert.equal(tl.playing, true);
  clock.advance(250);
  clock.advance(500); // crosses into stage 1
  clock.advance(1000); // past the end
  assert.deepEqual(painted, [
    [0, 0],
    [0, 0.5],
    [1, 0.5],
    [2, 1],
  ]);
  assert.equal(tl.playing, false);
  assert.equal(tl.ended, true);
  assert.equal(clock.waiting, 0, "no frame asked for after the end");
});

test("pause holds the picture; play carries on from there", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const { painted, render } = recorder();
  tl.run(LAYERS, render);
  clock.advance(100);
  tl.pause();
  assert.equal(tl.playing, false);
  assert.equal(clock.waiting, 0);
  clock.advance(5000); // nothing moves while paused
  assert.deepEqual(painted.at(-1), [0, 0.2]);
  tl.play();
  clock.advance(100); // the time paused does not count
  assert.deepEqual(painted.at(-1), [0, 0.4]);
  clock.advance(2000);
  assert.equal(tl.ended, true);
});

test("step finishes the stage under way, then shows one more stage each time, paused", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const { painted, render } = recorder();
  tl.run(LAYERS, render);
  clock.advance(100);
  tl.step();
  assert.equal(tl.playing, false);
  assert.deepEqual(painted.at(-1), [0, 1]);
  tl.step();
  assert.deepEqual(painted.at(-1), [1, 1]);
  tl.step();
  assert.deepEqual(painted.at(-1), [2, 1]);
  assert.equal(tl.ended, true);
  tl.step(); // at the end: the first stage again, for stepping through once more
  assert.deepEqual(painted.at(-1), [0, 1]);
  assert.equal(tl.playing, false);
  assert.equal(clock.waiting, 0);
});

test("replay starts again from the first stage; play at the end replays too", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const { painted, render } = recorder();
  tl.run(LAYERS, render);
  clock.advance(2000);
  assert.equal(tl.ended, true);
  tl.replay();
  assert.deepEqual(painted.at(-1), [0, 0]);
  assert.equal(tl.playing, true);
  clock.advance(2000);
  tl.play();
  assert.deepEqual(painted.at(-1), [0, 0]);
  assert.equal(tl.playing, true);
});

test("a new run cancels the one before: its render is never called again", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const first = recorder();
  const second = recorder();
  tl.run(LAYERS, first.render);
  clock.advance(100);
  tl.run(LAYERS.slice(0, 1), second.render);
  const seen = first.painted.length;
  clock.advance(100);
  clock.advance(1000);
  assert.equal(first.painted.length, seen);
  assert.deepEqual(second.painted.at(-1), [0, 1]);
  assert.ok(clock.waiting <= 0);
});

test("cancel drops the run; without autoplay a run shows its final state and waits", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const { painted, render } = recorder();
  tl.run(LAYERS, render, { autoplay: false });
  assert.deepEqual(painted, [[2, 1]]);
  assert.equal(tl.playing, false);
  assert.equal(clock.waiting, 0);
  tl.play(); // the learner asks: it plays from the start
  assert.deepEqual(painted.at(-1), [0, 0]);
  tl.cancel();
  clock.advance(1000);
  assert.deepEqual(painted.at(-1), [0, 0]);
  assert.equal(tl.playing, false);
});

test("a still run (no stages, or none that last) never asks for a frame", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const { painted, render } = recorder();
  tl.run([], render);
  tl.play();
  assert.deepEqual(painted, [[0, 1]]);
  assert.equal(clock.waiting, 0);
  let changes = 0;
  tl.onChange(() => changes++);
  tl.run([{ name: "a", duration: 0 }], render);
  assert.equal(changes, 1);
});

test("while playing, the listeners hear of each stage as it begins (the status follows)", () => {
  const clock = handClock();
  const tl = new Timeline(clock);
  const heard = [];
  tl.onChange((t) => heard.push(`${t.stages[t.stage]?.name} ${t.playing}`));
  tl.run(LAYERS, () => {});
  for (let i = 0; i < 8; i++) clock.advance(200);
  assert.deepEqual(heard, ["layer 1 true", "layer 2 true", "layer 3 true", "layer 3 false"]);
});
