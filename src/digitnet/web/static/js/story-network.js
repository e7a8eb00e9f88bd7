// Chapter 1 of the story, what the network is: the pixels become 784 inputs, one neuron's
// weights and bias, the forward pass lighting layer after layer, the answer.

import { PIXELS, SIDE } from "./constants.js";
import { argmax } from "./network.js";
import { drawGray, GREEN } from "./render.js";
import { drawSigned, el, fit, num, rgb, sub } from "./chapters.js";
import { NetPicture } from "./story-picture.js";
import { canvasIn, ease, table } from "./story-kit.js";

const FORWARD_TOTAL = 2000; // the forward pass lights every layer within this (ms)

/** How long each layer lights up: 300–500 ms, the whole pass within FORWARD_TOTAL. */
export function layerDuration(layers) {
  return Math.max(300, Math.min(500, FORWARD_TOTAL / layers));
}

const pixels = {
  title: "Your digit becomes 784 numbers",
  enter(view, example) {
    const x = example.x;
    const bright = x.reduce((n, v) => n + (v > 0.5), 0);
    const k = argmax(x);
    view.say(
      `Your digit is ${SIDE} × ${SIDE} = ${PIXELS} pixels, each a number from 0 (black) to 1 ` +
        `(white): pixel ${k + 1} (row ${Math.floor(k / SIDE) + 1}, column ${(k % SIDE) + 1}) holds ${num(x[k], 2)}, and ${bright} are brighter than ½. ` +
        `Read row after row, they become one column of ${PIXELS} neurons: the first layer's ` +
        `activations.`,
    );
    const canvas = canvasIn(
      view,
      "story-unroll",
      `your digit's pixels unrolled into a column of ${PIXELS}`,
    );
    view.animate([{ name: "rows into the column", duration: 1600 }], (_, p) => {
      const s = fit(canvas);
      if (!s) return;
      const { ctx, width, height } = s;
      const cell = Math.min((height - 20) / SIDE, (width * 0.5) / SIDE);
      const gx = 10;
      const gy = (height - cell * SIDE) / 2;
      const colX = width - 60;
      const rowH = (height - 20) / SIDE; // each image row becomes this much of the column
      const moved = p * SIDE; // rows moved so far (fractional)
      const gray = (v, dim = 1) => {
        const g = Math.round(Math.min(1, Math.max(0, v)) * 255 * dim);
        return `rgb(${g},${g},${g})`;
      };
      for (let r = 0; r < SIDE; r++) {
        const t = Math.min(1, Math.max(0, moved - r)); // this row's way from the grid to the column
        const e = ease(t);
        for (let c = 0; c < SIDE; c++) {
          const v = x[r * SIDE + c];
          ctx.fillStyle = gray(v, 1 - 0.7 * e); // left behind, dimmed
          ctx.fillRect(gx + c * cell, gy + r * cell, cell - 0.3, cell - 0.3);
          if (t > 0) {
            // in flight: from its place in the grid to its slot in the column
            const x0 = gx + c * cell;
            const y0 = gy + r * cell;
            const x1 = colX;
            const y1 = 10 + (r + c / SIDE) * rowH;
            ctx.fillStyle = gray(v);
            ctx.fillRect(
              x0 + (x1 - x0) * e,
              y0 + (y1 - y0) * e,
              cell + (24 - cell) * e,
              cell + (rowH / SIDE + 0.4 - cell) * e,
            );
          }
        }
      }
      ctx.strokeStyle = "#3a4660";
      ctx.strokeRect(colX - 0.5, 9.5, 25, height - 19);
      ctx.fillStyle = "#93a0b8";
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.fillText("a₁", colX - 4, 18);
      ctx.fillText(`a${sub(PIXELS)}`, colX - 4, height - 12);
    });
  },
};

const neuron = {
  title: "One neuron: its weights and its bias",
  enter(view, example) {
    const { model, result } = view;
    const a1 = result.activations[1];
    const j = argmax(result.zs[0]); // the neuron your digit drives most
    const W = model.weights[0];
    const x = example.x;
    const products = new Float64Array(PIXELS);
    let sum = 0;
    for (let k = 0; k < PIXELS; k++) {
      products[k] = W[j * PIXELS + k] * x[k];
      sum += products[k];
    }
    const b = model.biases[0][j];
    const z = result.zs[0][j];
    const squash = model.activation === "relu" ? "ReLU" : "σ";
    view.say(
      `Hidden neuron ${j} has a weight for every pixel: green adds, red subtracts. Times your ` +
        `pixels and summed: ${num(sum, 3)}. Its bias ${num(b, 3)} says how high the sum must be ` +
        `before it lights up: z = ${num(z, 3)}, and ${squash}(z) = ${num(a1[j], 3)}, its activation.`,
    );
    const row = el("div", { className: "story-grids" });
    const grid = (label, caption) => {
      const c = el("canvas", { className: "story-grid", role: "img", "aria-label": label });
      row.append(el("figure", {}, c, el("figcaption", { textContent: caption })));
      return c;
    };
    const weights = grid(
      `neuron ${j}'s ${PIXELS} weights, green positive, red negative`,
      `weights of neuron ${j}`,
    );
    const digit = grid("your digit", "your digit");
    const times = grid("each weight times its pixel", "weight × pixel");
    view.stage.append(row);
    const sumLine = el("p", { className: "story-sum" });
    view.stage.append(sumLine);
    const lines = [
      `Σ wₖ aₖ = ${num(sum, 3)}`,
      `+ bias ${num(b, 3)} = z = ${num(z, 3)}`,
      `${squash}(z) = ${num(a1[j], 3)}`,
    ];
    drawGray(digit, x);
    const wTop = Math.max(...Array.from(W.subarray(j * PIXELS, (j + 1) * PIXELS), Math.abs));
    view.animate(
      [
        { name: "the weights", duration: 600 },
        { name: "times your pixels", duration: 700 },
        { name: "summed, plus the bias", duration: 600 },
        { name: `${squash}(z)`, duration: 500 }, // ReLU does not squash: say which it is
      ],
      (stage, p) => {
        const shown = stage === 0 ? p : 1;
        drawSigned(weights, W, j * PIXELS, wTop / Math.max(shown, 1e-3));
        const partial = products.map((v) => v * (stage >= 1 ? (stage === 1 ? p : 1) : 0));
        drawSigned(times, partial, 0, null);
        sumLine.textContent = lines.slice(0, stage < 2 ? 0 : stage === 2 ? 2 : 3).join("   ");
      },
    );
  },
};

const forwardPass = {
  title: "The forward pass, layer by layer",
  enter(view) {
    const { model, result } = view;
    const L = model.sizes.length - 1;
    const out = result.activations[L];
    const answer = argmax(out);
    const firstTop = argmax(result.activations[1]);
    view.say(
      `Each layer's activations decide the next one's: a′ = ${model.activation === "relu" ? "ReLU" : "σ"}(W a + b). Your pixels light ` +
        `hidden layer 1 (neuron ${firstTop} brightest, ${num(result.activations[1][firstTop], 2)}), ` +
        `that layer lights the next, and so on to the ${out.length} outputs, where ${answer} ` +
        `shines brightest.`,
    );
    const canvas = canvasIn(
      view,
      "story-net",
      `the network lit layer by layer by your digit; output ${answer} brightest`,
    );
    canvas.dataset.testid = "story-forward";
    const picture = new NetPicture(canvas, model, result);
    const duration = layerDuration(L + 1);
    const names = [
      "the input",
      ...model.sizes.slice(1, -1).map((_, i) => `hidden layer ${i + 1}`),
      "the output",
    ];
    view.animate(
      names.map((name) => ({ name, duration })),
      (stage, p) => {
        const lit = names.map((_, l) => (l < stage ? 1 : l === stage ? p : 0));
        canvas.dataset.lit = lit.map((v) => v.toFixed(2)).join(" ");
        picture.paint({ lit, ring: p >= 1 && stage === L ? [[L, answer]] : [] });
      },
    );
  },
};

const answer = {
  title: "The answer: the brightest output",
  enter(view) {
    const { model, result } = view;
    const out = result.activations[model.sizes.length - 1];
    const best = argmax(out);
    const runnerUp = argmax(out.map((v, d) => (d === best ? -Infinity : v)));
    view.say(
      `The network's answer is the output that shines brightest: ${best}, at ${num(out[best], 3)}. ` +
        `Next comes ${runnerUp} at ${num(out[runnerUp], 3)}. Every output is a number between ` +
        `0 and 1: how much the network thinks your digit is that one.`,
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the ${out.length} outputs; ${best} is the brightest`,
    );
    table(
      view,
      "The outputs",
      ["digit", "output"],
      Array.from(out, (v, d) => [String(d), num(v, 4)]),
    );
    view.animate([{ name: "the outputs", duration: 700 }], (_, p) => {
      const s = fit(canvas);
      if (!s) return;
      const { ctx, width, height } = s;
      const slot = width / out.length;
      const base = height - 22;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "center";
      out.forEach((v, d) => {
        const h = v * (base - 16) * ease(p);
        ctx.fillStyle = d === best ? "#ffd54a" : rgb(GREEN, 0.75);
        ctx.fillRect(slot * d + slot * 0.2, base - h, slot * 0.6, h);
        ctx.fillStyle = d === best ? "#ffd54a" : "#c8d0e0";
        ctx.fillText(String(d), slot * (d + 0.5), height - 6);
        if (p >= 1) ctx.fillText(num(v, 2), slot * (d + 0.5), base - h - 4);
      });
    });
  },
};

export const NETWORK_SCENES = [pixels, neuron, forwardPass, answer].map((s) => ({
  ...s,
  chapter: 0,
}));
