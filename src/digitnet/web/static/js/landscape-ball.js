// The ball on the real landscape, for any view: mountBall follows a training run's weights on
// a plane of its real cost as it trains (the stream's "plane" and "ball" events, ball.py), the
// ball a DOM element (`landscape-ball`, its plane coordinates in data-alpha and data-beta) over
// the painted slice with its trail and true cost; mountRace rolls full-batch gradient descent
// and mini-batch SGD from the same start down the same slice (/api/landscape's optimizers) on
// the page's timeline. Each returns at least {start(), stop(), destroy()}.

import { along, applyEvent, emptyRun, foldRun, square } from "./ball-math.js";
import { button, el, num } from "./chapters.js";
import { sharpCanvas } from "./render.js";
import { placeLabels } from "./place-labels.js";
import { outlined, paintSlice } from "./slice.js";

const SLICE_PAD = 30; // pixels around the slice's square, for its labels
const REPLAY_MS = 6000; // a finished run, replayed
const RACE_MS = 8000; // the race: the same examples for each optimiser
const TRAIL = "rgba(255,255,255,0.8)";
const RACERS = [
  { batch: 0, colour: "#f0a040", words: "careful: the whole set each step" },
  { batch: 10, colour: "#ff6ad5", words: "stumbling: 10 examples a step" },
];

const serverEvents = () => new EventSource("/api/train/events");

/**
 * Follow a training run on a plane of its real cost. api: the page's JSON requests; timeline:
 * the page's timeline (a finished run replays on it; none: no replay); run: a /api/train body
 * that start() starts, with Start and Stop buttons (none: start() follows the run going);
 * follow(): follow the run going, or the last one (the stream replays it from its start);
 * onStart: called with start()'s promise (true: a run started, or one was going); motion: false
 * under reduced motion (the picture is painted when the run ends; the numbers below it say
 * where it is meanwhile); events(): the run's events, an EventSource or its like (a notebook
 * widget's come from its kernel).
 * Returns {start(), follow(), stop() (ends the run going, after its mini-batch), destroy()}.
 */
export function mountBall(
  container,
  {
    api,
    timeline = null,
    run = null,
    motion = true,
    onStart = () => {},
    events: openEvents = serverEvents,
  } = {},
) {
  const parts = picture("The ball: the network being trained, on a slice of its real cost");
  const ball = parts.ball("landscape-ball", "#ffffff");
  const facts = el("p", {
    className: "ball-facts",
    textContent: run
      ? "Start a short run of this network's shape: the ball follows it as it trains."
      : "The ball appears when a run starts.",
  });
  const startButton = run ? button("Start a short run") : null;
  const stopButton = run ? button("Stop the run", { disabled: true }) : null;
  const root = el(
    "div",
    { className: "ball-view" },
    parts.stage,
    facts,
    run ? el("div", { className: "buttons" }, startButton, stopButton) : null,
  );
  container.append(root);
  let events = [];
  let state = emptyRun();
  let source = null;
  let frame = null;

  const paintSoon = () => {
    if (frame === null) frame = requestAnimationFrame(() => ((frame = null), paint(state)));
  };
  const paint = (s) => {
    const box = parts.paint(s.plane, (ctx, toX, toY) => drawTrail(ctx, s, toX, toY));
    ball.hidden = !box || !s.ball;
    if (ball.hidden) return;
    parts.place(ball, s.ball, box);
    facts.textContent = describe(s);
  };
  parts.onResize(() => paint(state));
  const going = (yes) => {
    ball.dataset.running = String(yes);
    if (startButton) startButton.disabled = yes;
    if (stopButton) stopButton.disabled = !yes;
  };

  let destroyed = false; // a run started before destroy() is not followed after it
  const follow = () => {
    if (destroyed) return;
    source?.close();
    events = [];
    state = emptyRun();
    going(true);
    source = openEvents();
    for (const kind of ["plane", "ball"]) {
      source.addEventListener(kind, (e) => {
        const data = JSON.parse(e.data);
        events.push([kind, data]);
        if (!applyEvent(state, kind, data)) return;
        ball.dataset.positions = String(state.positions);
        if (motion) paintSoon();
        else if (kind === "ball") facts.textContent = describe(state);
      });
    }
    source.addEventListener("error", (e) => {
      if (e.data) facts.textContent = `Training failed: ${JSON.parse(e.data).message}.`;
    });
    source.addEventListener("done", () => ended());
  };

  const ended = () => {
    source?.close();
    source = null;
    if (frame !== null) cancelAnimationFrame(frame); // painted here, for the last time
    frame = null;
    going(false);
    if (startButton) startButton.textContent = "Train again";
    if (!state.ball) {
      facts.textContent = "The run ended before the ball's first position.";
      return;
    }
    paint(state);
    facts.textContent = `${describe(state)} The run is over.`;
    if (timeline && events.length) {
      const shown = events.slice();
      const replay = (stage, p) => paint(foldRun(shown.slice(0, upTo(shown, p))));
      timeline.run([{ name: "the run, replayed", duration: REPLAY_MS }], replay, {
        autoplay: false,
      });
    }
  };

  const post = async () => {
    if (run) {
      if (startButton) startButton.disabled = true;
      facts.textContent = "Starting a short run…";
      try {
        await api("/api/train", { method: "POST", body: run });
      } catch (e) {
        if (e.status !== 409) {
          facts.textContent = `Could not start a run: ${e.message}`;
          if (startButton) startButton.disabled = false;
          return false;
        }
        facts.textContent = "A run is going already: the ball follows it.";
      }
    }
    follow();
    return true;
  };
  const start = () => {
    const started = post();
    onStart(started);
    return started;
  };
  const stop = () => api("/api/train/stop", { method: "POST", body: {} }).catch(() => {});
  startButton?.addEventListener("click", start);
  stopButton?.addEventListener("click", stop);

  return {
    start,
    follow,
    stop,
    destroy() {
      destroyed = true;
      source?.close();
      source = null;
      if (frame !== null) cancelAnimationFrame(frame);
      parts.destroy();
      root.remove();
    },
  };
}

/**
 * Full-batch gradient descent beside mini-batch SGD, from the same initial weights, on the same
 * slice (/api/landscape, directions "optimizers"), rolled on the timeline: both balls have seen
 * the same number of training examples at every moment.
 */
export function mountRace(container, { api, timeline, motion = true } = {}) {
  const parts = picture("Two balls from the same start: full-batch descent and mini-batch SGD");
  const balls = RACERS.map((r) => parts.ball("race-ball", r.colour));
  const facts = el("ul", { className: "ball-facts race-facts" });
  const root = el("div", { className: "ball-view" }, parts.stage, facts);
  container.append(root);
  let slice = null;
  let paths = [];
  let shown = 0; // examples seen, by each

  const paint = () => {
    if (!slice) return;
    const at = paths.map((p) => along(p, shown));
    const box = parts.paint(slice, (ctx, toX, toY) => {
      paths.forEach((p, k) => {
        const upto = p.points.slice(0, at[k].index + 1).concat([[at[k].alpha, at[k].beta]]);
        line(ctx, upto, toX, toY, RACERS[k].colour);
      });
      return at.map((a, k) => costLabel(a, toX, toY, RACERS[k].colour));
    });
    if (!box) return;
    at.forEach((a, k) => parts.place(balls[k], a, box));
    facts.replaceChildren(
      ...paths.map((p, k) => {
        const step = Math.round(at[k].examples / p.batch_size);
        return el("li", {
          textContent: `${RACERS[k].words} (${p.name}): ${step.toLocaleString()} of ${p.steps.toLocaleString()} steps, ${at[k].examples.toLocaleString()} examples seen, true cost ${num(at[k].cost_true, 4)}`,
          style: `color:${RACERS[k].colour}`,
        });
      }),
    );
  };
  parts.onResize(paint);

  const start = async () => {
    facts.replaceChildren(
      el("li", { textContent: "Training both from the model's initial weights (some seconds)…" }),
    );
    try {
      const body = { directions: "optimizers" }; // the server keeps the answer for next time
      const r = await api("/api/landscape", { method: "POST", body });
      slice = r;
      paths = RACERS.map((racer) =>
        r.paths.find(
          (p) =>
            (racer.batch ? p.batch_size === racer.batch : p.batch_size === r.n_images) &&
            !p.momentum,
        ),
      ).filter(Boolean);
    } catch (e) {
      facts.replaceChildren(el("li", { textContent: `No race: ${e.message}` }));
      return;
    }
    const most = Math.max(...paths.map((p) => p.examples_seen.at(-1)));
    timeline.run(
      [{ name: "the same examples for each", duration: RACE_MS }],
      (stage, p) => {
        shown = p * most;
        paint();
      },
      { autoplay: motion },
    );
  };

  return {
    start,
    stop: () => timeline.cancel(),
    destroy() {
      parts.destroy();
      root.remove();
    },
  };
}

// ---- what both share: a canvas with the slice, and DOM balls over it ----

function picture(label) {
  const canvas = el("canvas", { className: "ball-canvas", role: "img" });
  canvas.setAttribute("aria-label", label);
  const stage = el("div", { className: "ball-stage", hidden: true }, canvas);
  const observer = new ResizeObserver(() => resized());
  let resized = () => {};
  observer.observe(canvas);
  let box = null;
  return {
    stage,
    onResize(fn) {
      resized = fn;
    },
    ball(testid, colour) {
      const b = el("div", {
        className: "ball",
        dataset: { testid, alpha: "", beta: "" },
        "aria-hidden": "true",
        hidden: true,
      });
      b.style.background = colour;
      stage.append(b);
      return b;
    },
    // the slice over the canvas (null: none yet), then `over(ctx, toX, toY)` (→ its labels
    // [{text, x, y, colour}]); its square
    paint(slice, over) {
      stage.hidden = !slice; // no empty square before the first slice
      const sized = slice ? sharpCanvas(canvas) : null;
      if (!sized) return null;
      const { ctx, width, height } = sized;
      box = square(slice.alphas, slice.betas, width, height, SLICE_PAD);
      const { left, top, size, toX, toY } = box;
      paintSlice(ctx, slice, { left, top, width: size, height: size });
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = "#93a0b8";
      ctx.textAlign = "center";
      const [a0, a1, b0, b1] = [
        slice.alphas[0],
        slice.alphas.at(-1),
        slice.betas[0],
        slice.betas.at(-1),
      ];
      ctx.fillText(`α from ${num(a0, 2)} to ${num(a1, 2)}`, left + size / 2, top + size + 18);
      ctx.save();
      ctx.translate(left - 10, top + size / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(`β from ${num(b0, 2)} to ${num(b1, 2)}`, 0, 0);
      ctx.restore();
      // θ₀, where the plane is centred and the runs start
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(toX(0) - 4, toY(0) - 4, 8, 8);
      // the balls' labels first, then θ₀'s: each near its point, inside, none over another
      const labels = [
        ...over(ctx, toX, toY),
        { text: "θ₀ start", x: toX(0) + 7, y: toY(0) + 14, colour: "#ffffff" },
      ];
      // the balls and θ₀'s mark stay visible: no words over them
      const mark = (x, y, r) => ({ left: x - r, right: x + r, top: y - r, bottom: y + r });
      const avoid = [
        mark(toX(0), toY(0), 5),
        ...labels.filter((l) => l.at).map((l) => mark(...l.at, 9)),
      ];
      ctx.font = "11px system-ui, sans-serif";
      const measure = (text) => ctx.measureText(text).width;
      for (const l of placeLabels(labels, width, height, measure, 14, avoid))
        outlined(ctx, l.text, l.x, l.y, l.colour);
      return box;
    },
    // a ball at (α, β) on the square, its coordinates in its data
    place(b, { alpha, beta }, { toX, toY }) {
      b.hidden = false;
      b.style.transform = `translate(${toX(alpha)}px, ${toY(beta)}px)`;
      b.dataset.alpha = String(alpha);
      b.dataset.beta = String(beta);
    },
    destroy() {
      observer.disconnect();
    },
  };
}

function drawTrail(ctx, s, toX, toY) {
  line(
    ctx,
    s.trail.map((p) => [p.alpha, p.beta]),
    toX,
    toY,
    TRAIL,
  );
  return s.ball ? [costLabel(s.ball, toX, toY, "#ffffff")] : [];
}

// A ball's words: its true cost, up and to the right of it.
function costLabel({ alpha, beta, cost_true }, toX, toY, colour) {
  const [x, y] = [toX(alpha), toY(beta)];
  return { text: `C ${num(cost_true, 3)}`, x: x + 9, y: y - 9, colour, at: [x, y] };
}

function line(ctx, points, toX, toY, colour) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach(([a, b], i) => (i ? ctx.lineTo(toX(a), toY(b)) : ctx.moveTo(toX(a), toY(b))));
  ctx.stroke();
}

// The numbers under the picture: where the ball is, its true cost and the slice's under it.
function describe({ plane, ball }) {
  if (!ball) return "";
  return (
    `Step ${ball.step.toLocaleString()} (epoch ${ball.epoch}): true cost ${num(ball.cost_true, 4)}, ` +
    `the slice's ${num(ball.cost_plane, 4)} under the ball, ${near(ball.off_plane)} off the plane ` +
    `(α ${near(ball.alpha)}, β ${near(ball.beta)}; slice ${plane.id}, ${plane.n_images} training images).`
  );
}

// A coordinate or distance to two decimals; round-off (1e−15 off a plane laid through it) is 0.
const near = (v) => num(Math.abs(v) < 0.005 ? 0 : v, 2);

// How many of a run's events have come by fraction p of its replay (by their steps: a new
// plane comes with the ball that asked for it).
function upTo(events, p) {
  const last = events.findLast(([kind]) => kind === "ball")?.[1].step ?? 0;
  const until = p * last;
  const k = events.findIndex(([, data]) => data.step > until);
  return k < 0 ? events.length : k;
}
