// Chapter 2 of the story, gradient descent: this example's cost term by term, the cost over
// many examples, the slope and steps in one dimension, the gradient as which knobs matter,
// and the ball on the real landscape (the landscape-ball module, with the server).

import { DIGITS } from "./constants.js";
import { argmax, countParams } from "./network.js";
import { drawGray, GREEN, RED } from "./render.js";
import { costName, costTerms, exampleCost, largestComponents } from "./backprop-math.js";
import { pickName } from "./chain-math.js";
import {
  downhillSteps,
  gradientNorm,
  rankedMagnitudes,
  shares,
  sliceCost,
} from "./gradient-math.js";
import { button, el, fit, lineChart, num, rgb } from "./chapters.js";
import { mountBall, mountRace } from "./landscape-ball.js";
import { STEP_ETA, aDigit, canvasIn, ease, needsServer, otherDigits, table } from "./story-kit.js";

const cost = {
  title: "How wrong it is: this example's cost",
  enter(view) {
    const { model, label, result } = view;
    const L = model.sizes.length - 1;
    const a = result.activations[L];
    const terms = costTerms(model, a, result.target);
    const worst = argmax(terms);
    view.say(
      `Tell the network this is ${aDigit(label)}: output ${label} should be 1, the others 0. The ` +
        `cost adds up how far each output is from that, here ${costName(model)}: ` +
        `${num(result.cost, 4)}, most of it from output ${worst} (${num(terms[worst], 4)}).`,
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the outputs, the wanted outputs and each term of the cost; total ${num(result.cost, 4)}`,
    );
    table(
      view,
      `The cost, term by term (total ${num(result.cost, 4)})`,
      ["digit", "output a", "wanted y", "term"],
      Array.from(a, (v, d) => [String(d), num(v, 4), String(result.target[d]), num(terms[d], 4)]),
    );
    const termTop = Math.max(1e-12, ...terms);
    view.animate(
      [
        ...Array.from({ length: DIGITS }, (_, d) => ({ name: `term ${d}`, duration: 90 })),
        { name: "their sum", duration: 400 },
      ],
      (stage, p) => {
        const s = fit(canvas);
        if (!s) return;
        const { ctx, width, height } = s;
        const slot = width / a.length;
        const mid = height * 0.55;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        let sum = 0;
        a.forEach((v, d) => {
          const x = slot * d + slot * 0.25;
          ctx.fillStyle = rgb(GREEN, 0.55); // the output, above the line
          ctx.fillRect(x, mid - v * (mid - 14), slot * 0.5, v * (mid - 14));
          ctx.fillStyle = "#ffd54a"; // the wanted output: a tick at 0 or 1
          ctx.fillRect(x - 2, mid - result.target[d] * (mid - 14) - 1, slot * 0.5 + 4, 2);
          const shown = d < stage || stage === DIGITS ? 1 : d === stage ? p : 0;
          const h = (terms[d] / termTop) * (height - mid - 20) * ease(shown);
          ctx.fillStyle = rgb(RED, 0.85); // the term, below the line
          ctx.fillRect(x, mid + 2, slot * 0.5, h);
          sum += terms[d] * (shown >= 1 ? 1 : 0);
          ctx.fillStyle = "#c8d0e0";
          ctx.fillText(String(d), slot * (d + 0.5), height - 4);
        });
        ctx.textAlign = "left";
        ctx.fillStyle = "#e6ebf5";
        ctx.fillText(`cost so far ${num(sum, 4)}`, 6, 12);
      },
    );
  },
};

const average = {
  title: "The cost over many examples",
  enter(view, example) {
    const { model, label, result } = view;
    const box = el("div", { className: "story-thumbs" });
    view.stage.append(box);
    let left = false;
    view.busy(otherDigits(view, example)).then((others) => {
      if (left) return;
      if (!others) {
        needsServer(view, "Averaging over other digits");
        return;
      }
      const items = [{ label, x: example.x, yours: true }, ...others].map((o) => ({
        ...o,
        cost: o.yours ? result.cost : exampleCost(model, o.x, o.label),
      }));
      const mean = items.reduce((s, o) => s + o.cost, 0) / items.length;
      const worst = items.reduce((w, o) => (o.cost > w.cost ? o : w));
      view.say(
        `One example says little. The network's cost is the average over every training ` +
          `example: here over your digit (${num(result.cost, 4)}) and ${others.length} test ` +
          `digits, ${num(mean, 4)}. The worst, ${aDigit(worst.label)}, costs ${num(worst.cost, 3)}: ` +
          `learning means making this average small.`,
      );
      const cells = items.map((o) => {
        const c = el("canvas", { className: "story-thumb", role: "img" });
        drawGray(c, o.x);
        c.setAttribute(
          "aria-label",
          `${o.yours ? "your digit" : "a test digit"}, ${aDigit(o.label)}`,
        );
        const cap = el("figcaption", { textContent: num(o.cost, 3) });
        const fig = el("figure", { className: o.yours ? "yours" : "" }, c, cap);
        box.append(fig);
        return fig;
      });
      const meanLine = el("p", { className: "story-sum" });
      view.stage.append(meanLine);
      const step = 900 / items.length;
      view.animate(
        items.map((_, i) => ({ name: `example ${i + 1}`, duration: step })),
        (stage, p) => {
          const n = stage + (p >= 1 ? 1 : 0);
          cells.forEach((fig, i) => (fig.style.opacity = i < n ? "1" : "0.15"));
          const seen = items.slice(0, Math.max(1, n));
          const m = seen.reduce((s, o) => s + o.cost, 0) / seen.length;
          meanLine.textContent = `average over ${seen.length}: ${num(m, 4)}`;
        },
      );
    });
    view.say("Fetching other digits…");
    return () => (left = true);
  },
};

const slope = {
  title: "Downhill in one dimension: the slope and a step",
  enter(view, example) {
    const { model, label, result } = view;
    const f = sliceCost(model, example.x, label, result);
    const slope0 = -(gradientNorm(result.grad_weights, result.grad_biases) ** 2);
    // steps that truly go downhill on this slice: η halved while a step would overshoot
    const { eta, ts, costs, overshot, downhill } = downhillSteps(f, slope0, STEP_ETA);
    const tMax = Math.max(4 * eta, ts.at(-1) * 1.25);
    const at = (t) => f(Math.max(0, t));
    const h = tMax / 200;
    const slopeAt = (t) => (t === 0 ? slope0 : (at(t + h) - at(t - h)) / (2 * h));
    const path = costs.map((c) => num(c, 4)).join(" → ");
    const steps = overshot
      ? `A step of η = ${STEP_ETA} would overshoot the valley (t = ${num(overshot.t, 2)}, ` +
        `cost ${num(overshot.cost, 4)}); ` +
        (downhill ? `η = ${num(eta, 3)} steps downhill` : `even η = ${num(eta, 3)} overshoots`)
      : `With η = ${STEP_ETA} the first step is t = ${num(ts[1], 2)}, each next in proportion ` +
        "to the slope there";
    view.say(
      `Walk your digit's cost along the way it falls fastest, −∇C: one variable t. Its slope ` +
        `at the start is −‖∇C‖² = ${num(slope0, 4)}. ${steps}. The cost: ${path}.`,
    );
    const canvas = canvasIn(
      view,
      "story-chart",
      `the cost along −∇C, and a ball stepping down it: ${costs.map((c) => num(c, 4)).join(", ")}`,
    );
    // the curve through the steps' own points too, so the ball sits on it
    const grid = Array.from({ length: 81 }, (_, i) => (tMax * i) / 80);
    const curve = [...grid, ...ts].sort((a, b) => a - b).map((t) => [t, at(t)]);
    // one y range for the whole walk, from 0 (a cost is never below it); the tangent is clipped
    const top = Math.max(...curve.map((p) => p[1]));
    const yRange = [(top * 0.05) / 1.05, top];
    view.animate(
      ts.slice(1).map((_, n) => ({ name: `step ${n + 1}`, duration: 700 })),
      (stage, p) => {
        const t = ts[stage] + (ts[stage + 1] - ts[stage]) * ease(p);
        const from = ts[stage];
        const k = slopeAt(from);
        const reach = tMax / 8;
        const tangent = [
          [Math.max(0, from - reach), at(from) - (from - Math.max(0, from - reach)) * k],
          [Math.min(tMax, from + reach), at(from) + (Math.min(tMax, from + reach) - from) * k],
        ];
        const trail = ts
          .slice(0, stage + 1)
          .map((v) => ({ x: v, y: at(v), color: "#93a0b8", radius: 3 }));
        lineChart(
          canvas,
          [
            { points: curve, color: "#4fc3ff", label: "cost" },
            { points: tangent, color: "#ffd54a", dash: [4, 3], label: "slope" },
          ],
          {
            xLabel: "t (along −∇C)",
            yLabel: "cost",
            marks: [...trail, { x: t, y: at(t), color: "#ffd54a", radius: 7 }],
            yRange,
          },
        );
      },
    );
  },
};

const knobs = {
  title: "The gradient: which knobs matter",
  enter(view) {
    const { model, result } = view;
    const ranked = rankedMagnitudes(result.grad_weights, result.grad_biases);
    const all = shares(result.grad_weights, result.grad_biases).at(-1);
    const top = largestComponents(result.grad_weights, result.grad_biases, model.sizes, 5);
    view.say(
      `−∇C is one nudge for each of the ${ranked.length.toLocaleString("en")} weights and ` +
        `biases. Their sizes say which knobs matter: the largest 1% hold ` +
        `${Math.round(all.top1 * 100)}% of the total, and ${Math.round(all.zero_fraction * 100)}% ` +
        `are exactly 0 (black pixels give their weights nothing to do).`,
    );
    const canvas = canvasIn(
      view,
      "story-chart",
      "every component of the gradient, largest first, on a log scale",
    );
    table(
      view,
      "The five largest components of −∇C",
      ["knob", "−∂C/∂θ"],
      top.map((c) => [pickName(model, c), num(-c.value, 5)]),
    );
    // a few hundred points of the ranked curve are enough to draw it
    const every = Math.max(1, Math.floor(ranked.length / 400));
    const points = [];
    for (let i = 0; i < ranked.length; i += every)
      if (ranked[i] > 0) points.push([i + 1, ranked[i]]);
    view.animate([{ name: "largest first", duration: 900 }], (_, p) => {
      const n = Math.max(2, Math.ceil(points.length * ease(p)));
      lineChart(canvas, [{ points: points.slice(0, n), color: "#4fc3ff" }], {
        xLabel: "rank",
        yLabel: "|∂C/∂θ|",
        logX: true,
        logY: true,
      });
    });
  },
};

/**
 * A scene of landscape-ball.js (the real cost on a plane of weight space): mount(container,
 * view) → {start(), destroy()}. Its animation runs on the page's timeline, through a door
 * that shuts when the scene is left (a slice that arrives later moves nothing).
 */
function ballScene(title, mount, words, startWords) {
  return {
    title,
    followsExample: false, // a training run, whatever the digit
    enter(view, example) {
      view.say(words(countParams(view.model.sizes)));
      if (!view.served) {
        needsServer(view, "Training a network while you watch");
        return undefined;
      }
      let left = false;
      const timeline = {
        run: (stages, render, options = {}) =>
          left ||
          view.timeline.run(stages, render, {
            autoplay: view.motion && options.autoplay !== false,
          }),
        cancel: () => left || view.timeline.cancel(),
      };
      const box = el("div", { className: "story-ball" });
      view.stage.append(box);
      const mounted = mount(box, {
        api: view.api,
        timeline,
        motion: view.motion,
        model: view.model,
      });
      if (view.motion) mounted.start();
      else if (startWords)
        view.stage.append(button(startWords, { onclick: () => mounted.start() }));
      return () => {
        left = true;
        mounted.destroy();
      };
    },
  };
}

// The run the ball follows: the loaded network's own kind (shape, activation, cost) from fresh
// weights, with the recipe of its kind (the video's for sigmoid + quadratic, the tweaked one for
// ReLU or cross-entropy), briefly: 3 epochs on the first training images, fewer for wider
// networks (images × parameters at most SHORT_RUN_WORK): all 50,000 for the video's
// 784-16-16-10, 7,000 for 784-300-100-10 (each a few seconds on a busy 2-core machine).
const SHORT_RUN_EPOCHS = 3;
const SHORT_RUN_WORK = 2e9;

/** How many training images the ball's short run of a network with `knobs` parameters uses. */
export function shortRunImages(knobs) {
  return Math.max(2000, Math.min(50000, Math.floor(SHORT_RUN_WORK / knobs / 1000) * 1000));
}

/** The /api/train body of the ball's short run, for a model {sizes, activation, cost}. */
export function shortRun({ sizes, activation, cost }) {
  const preset = activation === "relu" || cost === "cross-entropy" ? "tweaked" : "video";
  const layers = sizes.slice(1, -1);
  const images = shortRunImages(countParams(sizes));
  return { preset, layers, activation, cost, epochs: SHORT_RUN_EPOCHS, images };
}

const ball = ballScene(
  "Rolling down the real landscape",
  (box, { model, ...options }) => mountBall(box, { ...options, run: shortRun(model) }),
  (knobs) =>
    `The cost over all the training images is a landscape with ${knobs.toLocaleString("en")} ` +
    "directions. Here is a slice of it through a short run's weights: the ball is a network " +
    "of your network's shape and kind, from fresh random weights, trained briefly on " +
    `${shortRunImages(knobs).toLocaleString("en")} images, each step downhill from where it ` +
    "stands, until it settles in a valley.",
  null, // mountBall shows its own Start button under reduced motion
);

export const DESCENT_SCENES = [cost, average, slope, knobs, ball].map((s) => ({
  ...s,
  chapter: 1,
}));
export const STOCHASTIC = ballScene(
  "Stumbling quickly against walking carefully",
  (box, options) => mountRace(box, options),
  () =>
    "From the same start: full-batch descent computes the exact downhill over every image " +
    "before each careful step; mini-batch SGD steps after only a few images, stumbling but far " +
    "more often. After the same number of examples seen, compare their true costs.",
  "Race them",
);
