// Chapter 3 of the story, backpropagation: the outputs' wishes as arrows, three ways to raise
// an output, fire together wire together, every output's wishes for the layer before added up,
// the same backwards through every layer, averaging over a mini-batch, this example's step.

import { DIGITS } from "./constants.js";
import { argmax, forward } from "./network.js";
import { drawGray, GREEN, RED } from "./render.js";
import { backprop, exampleCost, largestComponents, takeStep } from "./backprop-math.js";
import { pickName } from "./chain-math.js";
import { format, pretty } from "./format.js";
import { PALETTE, el, fit, legend, num, rgb, signed } from "./chapters.js";
import { NetPicture, largest } from "./story-picture.js";
import { STEP_ETA, aDigit, canvasIn, ease, needsServer, otherDigits, table } from "./story-kit.js";

const LAYER_MS = 600; // the backward flow: this long a layer (400–750 ms)
const BATCH = 8; // examples in the story's mini-batch: yours and 7 others
const ROWS = 16; // neurons shown in a bar chart at most

const outputLayer = (model) => model.sizes.length - 1;

/**
 * What each output wants, as the video draws it: −∂C/∂a = 2(y − a) for the quadratic cost;
 * for cross-entropy (whose ∂C/∂a is 0 but for the label) −∂C/∂z = y − a, through the softmax.
 */
function outputWish(model, result) {
  const L = outputLayer(model);
  if (model.cost !== "cross-entropy") return { values: result.nudges[L - 1], name: "−∂C/∂a" };
  return { values: result.deltas[L - 1].map((d) => -d), name: "−∂C/∂z" };
}

/** The network picture for a scene, in its own canvas. */
function netPicture(view, label, options) {
  const canvas = canvasIn(view, "story-net", label);
  return new NetPicture(canvas, view.model, view.result, options);
}

const wishes = {
  title: "What the outputs want",
  enter(view) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const { values: want, name } = outputWish(model, result);
    const down = argmax(want.map((v) => -v));
    view.say(
      `For ${aDigit(label)}, output ${label} wants to go up (${signed(want[label], 3)}) and every ` +
        `other output down, each in proportion to how far it is from its target: output ` +
        `${down} most (${signed(want[down], 3)}). The arrows are these nudges, ${name}.`,
    );
    const net = netPicture(
      view,
      `the network with an arrow at each output: up for ${label}, down for the rest`,
      {
        keep: { [L]: [label] },
      },
    );
    view.animate([{ name: "the outputs' wishes", duration: 700 }], (_, p) =>
      net.paint({ ring: [[L, label]], arrows: [{ layer: L, values: want, progress: ease(p) }] }),
    );
  },
};

/** For the label's output j: −∂C/∂b, the weights' wishes −δⱼ aₖ and the activations' −wⱼₖ δⱼ. */
function raiseOutput(model, result, j) {
  const L = outputLayer(model);
  const nIn = model.sizes[L - 1];
  const delta = result.deltas[L - 1][j];
  const prev = result.activations[L - 1];
  const W = model.weights[L - 1];
  const weightWish = Float64Array.from(prev, (a) => -delta * a);
  const activationWish = Float64Array.from({ length: nIn }, (_, k) => -W[j * nIn + k] * delta);
  return { bias: -delta, weightWish, activationWish, prev };
}

const threeWays = {
  title: "Three ways to raise an output",
  enter(view) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const { bias, weightWish, activationWish } = raiseOutput(model, result, label);
    const kw = argmax(weightWish.map(Math.abs));
    const ka = argmax(activationWish.map(Math.abs));
    view.say(
      `To move output ${label}: change its bias (${signed(bias, 3)}), change its weights, most ` +
        `the one from the brightest neuron ${kw} (${signed(weightWish[kw], 3)}), or change the ` +
        `activations before it in proportion to their weights: neuron ${ka} by ` +
        `${signed(activationWish[ka], 3)}.`,
    );
    const net = netPicture(
      view,
      `output ${label}, its bias, its incoming weights and the neurons feeding it`,
      {
        keep: { [L]: [label], [L - 1]: [kw, ka] },
      },
    );
    const edges = largest(weightWish, 5).map((k) => [L, k, label]);
    view.animate(
      [
        { name: "its bias", duration: 600 },
        { name: "its weights", duration: 700 },
        { name: "the activations before it", duration: 700 },
      ],
      (stage, p) => {
        const state = { ring: [[L, label]], arrows: [] };
        const grow = (s) => (stage > s ? 1 : stage === s ? ease(p) : 0);
        state.arrows.push({
          layer: L,
          values: Float64Array.from({ length: model.sizes[L] }, (_, d) => (d === label ? bias : 0)),
          progress: grow(0),
        });
        if (stage >= 1) state.path = edges.slice(0, Math.ceil(edges.length * grow(1)));
        if (stage >= 2)
          state.arrows.push({ layer: L - 1, values: activationWish, progress: grow(2) });
        net.paint(state);
      },
    );
    table(
      view,
      `The three ways to raise output ${label}`,
      ["way", "change"],
      [
        ["its bias b", signed(bias, 4)],
        [`the weight from neuron ${kw}`, signed(weightWish[kw], 4)],
        [`the activation of neuron ${ka}`, signed(activationWish[ka], 4)],
      ],
    );
  },
};

/** Two rows of bars over the same neurons: the top from zero up, the bottom signed. */
function pairedRows(canvas, neurons, top, bottom, grow, labels) {
  const s = fit(canvas);
  if (!s) return;
  const { ctx, width, height } = s;
  const slot = width / neurons.length;
  const mid = height * 0.45;
  const topMax = Math.max(1e-12, ...neurons.map((k) => Math.abs(top[k])));
  const botMax = Math.max(1e-12, ...neurons.map((k) => Math.abs(bottom[k])));
  const half = (height - mid - 34) / 2;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillStyle = "#93a0b8";
  ctx.textAlign = "left";
  ctx.fillText(labels[0], 4, 11);
  ctx.fillText(labels[1], 4, mid + 12);
  ctx.textAlign = "center";
  neurons.forEach((k, n) => {
    const x = slot * n + slot * 0.2;
    const h = (Math.abs(top[k]) / topMax) * (mid - 22) * grow[0];
    ctx.fillStyle = "#c8d0e0";
    ctx.fillRect(x, mid - 4 - h, slot * 0.6, h);
    const v = bottom[k];
    const g = (Math.abs(v) / botMax) * half * grow[1];
    ctx.fillStyle = rgb(v >= 0 ? GREEN : RED);
    const centre = mid + 16 + half;
    ctx.fillRect(x, v >= 0 ? centre - g : centre, slot * 0.6, g);
    ctx.fillStyle = "#93a0b8";
    ctx.fillText(String(k), slot * (n + 0.5), height - 3);
  });
}

const hebb = {
  title: "Fire together, wire together",
  enter(view) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const { weightWish, prev } = raiseOutput(model, result, label);
    const neurons = largest(prev, ROWS);
    const bright = argmax(prev);
    const dim = neurons.reduce((d, k) => (prev[k] < prev[d] ? k : d), neurons[0]);
    view.say(
      `A weight's wish is the output's wish times the neuron it comes from: −∂C/∂wⱼₖ = aₖ · ` +
        `(−δⱼ). So the weights from bright neurons change most: neuron ${bright} ` +
        `(a = ${num(prev[bright], 2)}) asks ${signed(weightWish[bright], 3)}, neuron ${dim} ` +
        `(a = ${num(prev[dim], 2)}) ${signed(weightWish[dim], 3)}. Neurons that fire together wire together.`,
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the activations of layer ${L - 1} and the desired changes of their weights into output ${label}`,
    );
    view.animate(
      [
        { name: "the neurons that fire", duration: 600 },
        { name: "their weights' wishes", duration: 700 },
      ],
      (stage, p) =>
        pairedRows(
          canvas,
          neurons,
          prev,
          weightWish,
          [stage ? 1 : ease(p), stage ? ease(p) : 0],
          [`activation aₖ of layer ${L - 1}`, `desired change of wₖ → ${label}`],
        ),
    );
  },
};

const addedUp = {
  title: "Every output's wishes, added up",
  enter(view) {
    const { model, result } = view;
    const L = outputLayer(model);
    const rows = result.contributions[L - 2]; // [j][k] = wⱼₖ δⱼ, output j's part of ∂C/∂aₖ
    const total = result.nudges[L - 2];
    const neurons = largest(total, ROWS);
    const k = neurons.reduce(
      (b, n) => (Math.abs(total[n]) > Math.abs(total[b]) ? n : b),
      neurons[0],
    );
    const biggest = argmax(rows.map((row) => Math.abs(row[k])));
    view.say(
      `Each output has its own wish for every neuron of the layer before, in proportion to the ` +
        `weight between them. Add the ${rows.length} wishes up: neuron ${k} should move ` +
        `${signed(total[k], 3)}, most of it output ${biggest}'s ${signed(-rows[biggest][k], 3)}. ` +
        `That sum is −∂C/∂a of the hidden layer.`,
    );
    const canvas = canvasIn(
      view,
      "story-stack",
      `each output's wish for layer ${L - 1}'s neurons, stacked in colour, and their sum`,
    );
    view.stage.append(
      legend(rows.map((_, j) => ({ color: PALETTE[j % PALETTE.length], label: `output ${j}` }))),
    );
    view.animate(
      [
        ...rows.map((_, j) => ({ name: `output ${j}`, duration: 110 })),
        { name: "the sum", duration: 500 },
      ],
      (stage, p) => {
        const s = fit(canvas);
        if (!s) return;
        const { ctx, width, height } = s;
        const rowH = (height - 8) / neurons.length;
        const top = Math.max(
          1e-12,
          ...neurons.map((n) => rows.reduce((a, r) => a + Math.abs(r[n]), 0)),
        );
        const zero = width / 2;
        const scale = (width / 2 - 50) / top;
        ctx.strokeStyle = "#3a4660";
        ctx.beginPath();
        ctx.moveTo(zero, 0);
        ctx.lineTo(zero, height);
        ctx.stroke();
        ctx.font = "11px system-ui, sans-serif";
        neurons.forEach((n, i) => {
          const y = 4 + i * rowH;
          let at = 0;
          rows.forEach((row, j) => {
            const part = j < stage || stage === rows.length ? 1 : j === stage ? ease(p) : 0;
            const v = -row[n] * part;
            ctx.fillStyle = PALETTE[j % PALETTE.length];
            const x0 = zero + at * scale;
            ctx.fillRect(Math.min(x0, x0 + v * scale), y + 2, Math.abs(v * scale), rowH - 4);
            at += v;
          });
          if (stage === rows.length) {
            ctx.fillStyle = rgb(total[n] >= 0 ? GREEN : RED);
            ctx.fillRect(zero + total[n] * scale * ease(p) - 1.5, y, 3, rowH);
          }
          ctx.fillStyle = "#93a0b8";
          ctx.textAlign = "left";
          ctx.fillText(`a${n}`, 2, y + rowH / 2 + 4);
        });
      },
    );
  },
};

const backwards = {
  title: "The same again, backwards through every layer",
  enter(view) {
    const { model, result } = view;
    const L = outputLayer(model);
    const firstBig = argmax(result.nudges[0].map(Math.abs));
    view.say(
      `Each layer's wishes become the next layer back's, weighted and summed, all the way to ` +
        `the first hidden layer (its neuron ${firstBig} most: ${signed(result.nudges[0][firstBig], 3)}). ` +
        `On the way, every weight gets its desired change, green up, red down: backpropagation.`,
    );
    const net = netPicture(
      view,
      "the nudges flowing from the outputs back to the first layer, and the weights' desired changes",
      { by: "nudge" },
    );
    net.canvas.dataset.testid = "story-backward";
    const stages = [];
    for (let l = L; l >= 1; l--)
      stages.push({ name: l === L ? "the outputs" : `hidden layer ${l}`, duration: LAYER_MS });
    view.animate(stages, (stage, p) => {
      const arrows = [];
      const grads = [];
      for (let s = 0; s <= stage; s++) {
        const l = L - s;
        const progress = s < stage ? 1 : ease(p);
        const values = l === L ? outputWish(model, result).values : result.nudges[l - 1];
        arrows.push({ layer: l, values, progress });
        grads.push({ layer: l, progress });
      }
      net.canvas.dataset.flow = arrows.map((a) => `${a.layer}:${a.progress.toFixed(2)}`).join(" ");
      net.paint({ arrows, grads });
    });
  },
};

const minibatch = {
  title: "Averaging over a mini-batch",
  enter(view, example) {
    const { model, label, result } = view;
    let left = false;
    view.say("Fetching other digits…");
    view.busy(otherDigits(view, example)).then((others) => {
      if (left) return;
      if (!others) {
        needsServer(view, "A mini-batch of other digits");
        return;
      }
      const batch = [{ label, x: example.x, result }, ...others.slice(0, BATCH - 1)].map((o) => ({
        ...o,
        result: o.result || backprop(model, o.x, o.label),
      }));
      const mean = (pick) =>
        pick(batch[0].result).map(
          (_, i) => batch.reduce((s, o) => s + pick(o.result)[i], 0) / batch.length,
        );
      const gw = batch[0].result.grad_weights.map((_, l) => mean((r) => r.grad_weights[l]));
      const gb = batch[0].result.grad_biases.map((_, l) => mean((r) => r.grad_biases[l]));
      const knobs = largestComponents(gw, gb, model.sizes, 6);
      const wish = (r, c) =>
        -(c.kind === "weight"
          ? r.grad_weights[c.layer - 1][c.to * model.sizes[c.layer - 1] + c.from]
          : r.grad_biases[c.layer - 1][c.to]);
      view.say(
        `Every example wants its own changes; their average is the step. For your digit and ` +
          `${batch.length - 1} others, the knob the batch agrees on most is the ` +
          `${pickName(model, knobs[0])}: ${signed(-knobs[0].value, 3)} on average. In practice: ` +
          `shuffle, split into mini-batches of about 100, and step after each.`,
      );
      const t = table(
        view,
        "Each example's desired change of the knobs the batch wants most, and the average",
        [
          "knob",
          ...batch.map((o, i) => (i ? `${aDigit(o.label)}` : `yours (${o.label})`)),
          "average",
        ],
        knobs.map((c) => [
          pickName(model, c),
          ...batch.map((o) => signed(wish(o.result, c), 2)),
          signed(-c.value, 2),
        ]),
        { key: true },
      );
      t.classList.add("story-batch");
      const cells = [...t.querySelectorAll("tbody tr")].map((tr) => [...tr.children]);
      view.animate(
        [
          ...batch.map((_, i) => ({ name: `example ${i + 1}`, duration: 220 })),
          { name: "the average", duration: 500 },
        ],
        (stage, p) => {
          const shown = stage + (p >= 1 ? 1 : 0);
          for (const row of cells) {
            row.forEach((td, i) => {
              if (i === 0) return;
              td.style.opacity = i <= shown ? "1" : "0.1";
              td.style.color = i === batch.length + 1 ? "#ffd54a" : "";
            });
          }
        },
      );
    });
    return () => (left = true);
  },
};

const step = {
  title: "This example's step, and the other digits",
  enter(view, example) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const after = takeStep(model, result, STEP_ETA);
    const before = result.activations[L];
    const moved = forward(after, example.x).at(-1);
    const costAfter = exampleCost(after, example.x, label);
    view.say(
      `Take the step your digit asks for alone (η = ${STEP_ETA}): output ${label} goes ` +
        `${num(before[label], 3)} → ${num(moved[label], 3)} ` +
        `(${signed(moved[label] - before[label], 2)}) and its cost ${num(result.cost, 4)} → ` +
        `${num(costAfter, 4)}. The same step moves every other digit too, some for the worse: ` +
        `that is why the step is an average.`,
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the outputs before and after the step; output ${label} from ${num(before[label], 3)} to ${num(moved[label], 3)}`,
    );
    canvas.dataset.testid = "story-step-outputs";
    const box = el("div", { className: "story-thumbs" });
    view.stage.append(box);
    let others = [];
    let left = false;
    const paint = (stage, p) => {
      const s = fit(canvas);
      if (s) {
        const { ctx, width, height } = s;
        const slot = width / DIGITS;
        const base = height - 20;
        const f = stage === 0 ? ease(p) : 1;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        for (let d = 0; d < before.length; d++) {
          const v = before[d] + (moved[d] - before[d]) * f;
          ctx.fillStyle = "rgba(147,160,184,0.35)"; // where it was
          ctx.fillRect(slot * d + slot * 0.2, base - before[d] * (base - 14), slot * 0.6, 2);
          ctx.fillStyle = d === label ? "#ffd54a" : rgb(GREEN, 0.75);
          ctx.fillRect(slot * d + slot * 0.25, base - v * (base - 14), slot * 0.5, v * (base - 14));
          ctx.fillStyle = d === label ? "#ffd54a" : "#c8d0e0";
          ctx.fillText(String(d), slot * (d + 0.5), height - 5);
        }
        canvas.dataset.outputs = Array.from(before, (b, d) =>
          (b + (moved[d] - b) * f).toFixed(6),
        ).join(" ");
      }
      box
        .querySelectorAll("figure")
        .forEach(
          (fig) =>
            (fig.style.opacity = stage >= 1 ? String(0.15 + 0.85 * (stage === 1 ? p : 1)) : "0.15"),
        );
    };
    view.busy(otherDigits(view, example)).then((found) => {
      if (left || !found) return;
      others = found.slice(0, 12).map((o) => ({
        ...o,
        before: exampleCost(model, o.x, o.label),
        after: exampleCost(after, o.x, o.label),
      }));
      const worse = others.filter((o) => o.after > o.before).length;
      for (const o of others) {
        const c = el("canvas", { className: "story-thumb", role: "img" });
        drawGray(c, o.x);
        c.setAttribute(
          "aria-label",
          `${aDigit(o.label)}: cost ${num(o.before, 3)} to ${num(o.after, 3)}`,
        );
        const change = o.after - o.before;
        // the arrow above its size, two digits: no wider than the thumbnail
        const size = pretty(format(Math.abs(change) < 1e-3 ? ".1e" : ".2~g")(Math.abs(change)));
        const cap = el(
          "figcaption",
          { className: change > 0 ? "worse" : "better" },
          change > 0 ? "▲" : "▼",
          el("br"),
          size,
        );
        box.append(el("figure", {}, c, cap));
      }
      box.prepend(
        el("p", {
          className: "muted",
          textContent: `Other digits' cost after your step: ${worse} of ${others.length} got worse.`,
        }),
      );
      paint(view.timeline.stage, view.timeline.progress);
    });
    view.animate(
      [
        { name: "your outputs move", duration: 1000 },
        { name: "the other digits", duration: 600 },
      ],
      paint,
    );
    return () => (left = true);
  },
};

export const BACKPROP_SCENES = [wishes, threeWays, hebb, addedUp, backwards, minibatch, step];
