// Chapter 4 of the story, the calculus: a chain of one neuron per layer taken from the real
// network, its tree (chain-tree: every node with its value; a derivative chosen lights its
// path and its factors), and the real network's sum over paths for a chosen weight.

import {
  chainPictureLayout,
  oneNeuronChain,
  outputDelta,
  pickChain,
  pickName,
  primeName,
} from "./chain-math.js";
import { button, el, fit, num, signed, sub, sup } from "./chapters.js";
import { NetPicture, largest } from "./story-picture.js";
import { canvasIn, ease, table } from "./story-kit.js";

const FACTOR_MS = 450; // the nudge reaches one more factor of the product each stage
const SVG = "http://www.w3.org/2000/svg";

const CANDIDATES = 3; // at each link, the neurons tried, strongest signal first

/**
 * The chain of one neuron per layer along the real network's strongest path for this digit:
 * from the output `label` back, at each layer the neuron whose signal wⱼₖ aₖ into the next is
 * largest; at most 3 links. On a ReLU network the chain, which leaves out every other input,
 * can end a link at a ReLU below 0, where no nudge passes: then the next strongest neurons are
 * tried (3 a link, strongest first), and the first chain whose every ReLU is open is taken (the
 * strongest one if none is). Returns {links, neurons [layer, index] from the input end, x,
 * biases, and chain: oneNeuronChain's result for those weights and biases, y = 1}.
 */
export function strongestChain(model, result, label) {
  const L = model.sizes.length - 1;
  const links = Math.min(3, L);
  const strongest = (l, j) => {
    const nIn = model.sizes[l - 1];
    const prev = result.activations[l - 1];
    const signal = Array.from(prev, (a, k) => Math.abs(model.weights[l - 1][j * nIn + k] * a));
    return [...signal.keys()].sort((p, q) => signal[q] - signal[p] || p - q);
  };
  const tries = model.activation === "relu" ? CANDIDATES : 1;
  let paths = [[[L, label]]];
  for (let l = L; l > L - links; l--) {
    paths = paths.flatMap((path) =>
      strongest(l, path[0][1])
        .slice(0, tries)
        .map((k) => [[l - 1, k], ...path]),
    );
  }
  const chains = paths.map((neurons) => chainAlong(model, result, neurons));
  const open = (c) => c.chain.factors.every((f) => f.sigma_prime > 0);
  return { links, ...(chains.find(open) ?? chains[0]) };
}

// The chain of one neuron per layer through `neurons` ([layer, index] from the input end).
function chainAlong(model, result, neurons) {
  const weights = [];
  const biases = [];
  for (let i = 1; i < neurons.length; i++) {
    const [l, j] = neurons[i];
    const k = neurons[i - 1][1];
    weights.push(model.weights[l - 1][j * model.sizes[l - 1] + k]);
    biases.push(model.biases[l - 1][j]);
  }
  const x = result.activations[neurons[0][0]][neurons[0][1]];
  const chain = oneNeuronChain({ weights, biases, x, y: 1, activation: model.activation });
  return { neurons, x, biases, chain };
}

// A neuron of the real network in words: "pixel 407", "hidden 2 neuron 5", "output 7".
function neuronName(model, [l, j]) {
  const L = model.sizes.length - 1;
  return l === 0 ? `pixel ${j}` : l === L ? `output ${j}` : `hidden ${l} neuron ${j}`;
}

/**
 * The factors of ∂C/∂(node) along the chain of n links, node "w3", "b2" or "a1" (a⁰ … aⁿ⁻¹):
 * [{text, value, edge: [child, parent] of the tree}], their product is the derivative.
 */
export function chainFactors(chain, n, node) {
  const kind = node[0];
  const l = Number(node.slice(1));
  const f = chain.factors; // per layer: a_prev, sigma_prime, w
  const out = [];
  const layer = kind === "a" ? l + 1 : l; // aˡ feeds zˡ⁺¹ through wˡ⁺¹
  if (kind === "a") {
    out.push({ text: `w${sup(layer)}`, value: f[layer - 1].w, edge: [node, `z${layer}`] });
  } else {
    const first = kind === "w" ? f[l - 1].a_prev : 1;
    out.push({ text: kind === "w" ? `a${sup(l - 1)}` : "1", value: first, edge: [node, `z${l}`] });
  }
  for (let m = layer; m <= n; m++) {
    const prime = m < n && chain.activation === "relu" ? "ReLU′" : "σ′";
    out.push({
      text: `${prime}(z${sup(m)})`,
      value: f[m - 1].sigma_prime,
      edge: [`z${m}`, `a${m}`],
    });
    if (m < n) out.push({ text: `w${sup(m + 1)}`, value: f[m].w, edge: [`a${m}`, `z${m + 1}`] });
  }
  out.push({ text: `2(a${sup(n)} − y)`, value: f[n - 1].dC_da, edge: [`a${n}`, "C"] });
  return out;
}

/** The derivative the chain computes for a node. */
function derivative(chain, node) {
  const l = Number(node.slice(1));
  if (node[0] === "w") return chain.dC_dw[l - 1];
  if (node[0] === "b") return chain.dC_db[l - 1];
  return l === 0 ? chain.dC_dx : chain.dC_da[l - 1];
}

const chainScene = {
  title: "A chain of one neuron per layer",
  enter(view) {
    const { model, label, result } = view;
    const { links, neurons, x, chain } = strongestChain(model, result, label);
    const n = links;
    const factors = chainFactors(chain, n, `w${n}`);
    const [, last] = neurons.at(-1);
    const path = neurons.map(([l, j]) => (l && l < n ? `neuron ${j}` : neuronName(model, [l, j])));
    const relu = model.activation === "relu";
    const softmax = model.cost === "cross-entropy";
    view.say(
      `Your digit's strongest path, one neuron per layer: ${path.join(" → ")} ` +
        `(real weights${relu ? ", ReLU between" : ""}). ` +
        `It leaves out every other input, so a${sup(n)} = ` +
        `${num(chain.a.at(-1), 3)}, not the network's ${num(result.activations.at(-1)[last], 3)}. ` +
        (softmax
          ? `A lone output can't be a softmax: it ends in σ, C = (a${sup(n)} − 1)² = ` +
            `${num(chain.cost, 4)}.`
          : `With y = 1, C = (a${sup(n)} − y)² = ${num(chain.cost, 4)}. Nudge w${sup(n)}: ` +
            `z${sup(n)}, a${sup(n)}, then C move, each by a factor.`),
    );
    const canvas = canvasIn(
      view,
      "story-chain",
      `a chain of ${n + 1} neurons and the cost; a nudge to w${sup(n)} moving z, a and C`,
    );
    const values = [x, ...chain.a];
    const texts = {
      weights: chain.factors.map((f, i) => `w${sup(i + 1)} = ${num(f.w, 2)}`),
      acts: values.map((v, i) => `a${sup(i)} = ${num(v, 3)}`),
      cost: [`C = (a${sup(n)} − y)²`, `= ${num(chain.cost, 4)}`],
    };
    const BARS = 60; // the nudge's three bars under the chain
    const stages = ["z", "a", "C"].map((name) => ({ name: `${name} moves`, duration: 650 }));
    const dz = factors[0].value;
    const moves = [dz, dz * factors[1].value, dz * factors[1].value * factors[2].value];
    view.animate(stages, (stage, p) => {
      // the chain's discs and words where they never overlap: a row, or a column on a phone
      const measure = (t) => {
        const c = canvas.getContext("2d");
        c.font = "12px system-ui, sans-serif";
        return c.measureText(t).width;
      };
      const layout = chainPictureLayout(canvas.clientWidth, texts, measure);
      canvas.style.height = `${layout.height + BARS}px`;
      const s = fit(canvas);
      if (!s) return;
      const { ctx, width, height } = s;
      const along = layout.vertical ? [0, 1] : [1, 0];
      const { discs } = layout;
      ctx.font = "12px system-ui, sans-serif";
      discs.forEach((d, i) => {
        if (i > 0) {
          const from = discs[i - 1];
          ctx.strokeStyle = i === n ? "#ffd54a" : "#56617a";
          ctx.lineWidth = i === n ? 2.5 : 1.5;
          ctx.beginPath();
          ctx.moveTo(from.x + along[0] * 16, from.y + along[1] * 16);
          ctx.lineTo(d.x - along[0] * 16, d.y - along[1] * 16);
          ctx.stroke();
        }
        ctx.beginPath();
        ctx.arc(d.x, d.y, 14, 0, 2 * Math.PI);
        const g = Math.round(40 + 200 * Math.min(1, Math.max(0, values[i])));
        ctx.fillStyle = `rgb(${g},${g},${g})`;
        ctx.fill();
        ctx.strokeStyle = "#56617a";
        ctx.lineWidth = 1;
        ctx.stroke();
      });
      const colour = { weight: "#93a0b8", act: "#e6ebf5", cost: "#ffd54a" };
      for (const label of layout.labels) {
        ctx.fillStyle = colour[label.kind];
        ctx.textAlign = label.align;
        ctx.fillText(label.text, label.x, label.y);
      }
      // the nudge: Δw = 1 unit's effect on z, a and C, as bars under the chain
      const shown = moves.map((m, i) => (i < stage ? 1 : i === stage ? ease(p) : 0));
      const names = [`∂z${sup(n)}/∂w${sup(n)}`, `∂a${sup(n)}/∂w${sup(n)}`, `∂C/∂w${sup(n)}`];
      const top = Math.max(1e-12, ...moves.map(Math.abs));
      moves.forEach((m, i) => {
        const by = height - BARS + 12 + i * 15;
        const w = (Math.abs(m) / top) * (width * 0.35) * shown[i];
        ctx.fillStyle = m >= 0 ? "#40dc78" : "#f04848";
        ctx.fillRect(width * 0.5, by - 9, w, 10);
        ctx.fillStyle = "#c8d0e0";
        ctx.textAlign = "right";
        ctx.fillText(`${names[i]} = ${shown[i] >= 1 ? signed(m, 3) : "…"}`, width * 0.5 - 6, by);
      });
    });
  },
};

/** The tree of the chain: SVG with a <g data-node> per node; returns {svg, light(nodes, edges)}. */
function chainTree(chain, biases, x) {
  const n = biases.length;
  const svg = document.createElementNS(SVG, "svg");
  const rows = 2 + 2 * n;
  const rowH = 46;
  svg.setAttribute("viewBox", `0 0 360 ${rows * rowH}`);
  svg.setAttribute("class", "chain-tree");
  svg.setAttribute("data-testid", "chain-tree");
  svg.setAttribute("role", "img");
  const place = {};
  const value = {};
  place.C = [180, 0];
  value.C = chain.cost;
  place[`a${n}`] = [180, 1];
  place.y = [300, 1];
  value.y = 1;
  for (let l = n; l >= 1; l--) {
    const r = 2 + 2 * (n - l);
    place[`z${l}`] = [180, r];
    place[`w${l}`] = [60, r + 1];
    place[`a${l - 1}`] = [180, r + 1];
    place[`b${l}`] = [300, r + 1];
    value[`z${l}`] = chain.z[l - 1];
    value[`a${l}`] = chain.a[l - 1];
    value[`w${l}`] = chain.factors[l - 1].w;
    value[`b${l}`] = biases[l - 1];
  }
  value.a0 = x;
  const parents = { [`a${n}`]: "C", y: "C" };
  for (let l = 1; l <= n; l++) {
    parents[`z${l}`] = `a${l}`;
    for (const child of [`w${l}`, `a${l - 1}`, `b${l}`]) parents[child] = `z${l}`;
  }
  const at = (name) => [place[name][0], place[name][1] * rowH + rowH / 2];
  const edges = {};
  for (const [child, parent] of Object.entries(parents)) {
    const line = document.createElementNS(SVG, "line");
    const [x1, y1] = at(child);
    const [x2, y2] = at(parent);
    Object.entries({ x1, y1: y1 - 13, x2, y2: y2 + 13 }).forEach(([k, v]) =>
      line.setAttribute(k, v),
    );
    line.setAttribute("class", "tree-edge");
    svg.append(line);
    edges[`${child}>${parent}`] = line;
  }
  const nodes = {};
  const label = (name) => (name === "C" || name === "y" ? name : `${name[0]}${sup(name.slice(1))}`);
  for (const name of Object.keys(place)) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("data-node", name);
    g.setAttribute("class", "tree-node");
    const [cx, cy] = at(name);
    const rect = document.createElementNS(SVG, "rect");
    Object.entries({ x: cx - 54, y: cy - 13, width: 108, height: 26, rx: 6 }).forEach(([k, v]) =>
      rect.setAttribute(k, v),
    );
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", cx);
    text.setAttribute("y", cy + 5);
    text.setAttribute("text-anchor", "middle");
    const v = value[name];
    text.textContent =
      v === null || v === undefined ? label(name) : `${label(name)} = ${num(v, 3)}`;
    g.dataset.value = v === null || v === undefined ? "" : String(v);
    g.append(rect, text);
    svg.append(g);
    nodes[name] = g;
  }
  svg.setAttribute(
    "aria-label",
    `the chain rule's tree: ${Object.keys(place)
      .map((k) => nodes[k].textContent)
      .join(", ")}`,
  );
  const light = (lit, litEdges) => {
    for (const [name, g] of Object.entries(nodes)) g.classList.toggle("on", lit.has(name));
    for (const [key, line] of Object.entries(edges)) line.classList.toggle("on", litEdges.has(key));
  };
  return { svg, light };
}

const tree = {
  title: "The chain rule's tree",
  enter(view) {
    const { model, label, result } = view;
    const { links: n, x, biases, chain } = strongestChain(model, result, label);
    const { svg, light } = chainTree(chain, biases, x);
    view.say(
      `Every quantity hangs under the ones it decides: w${sup(n)}, a${sup(n - 1)} and b${sup(n)} ` +
        `make z${sup(n)}, which makes a${sup(n)}, which with y makes C; the layer before hangs ` +
        `under a${sup(n - 1)}. A derivative is the product of the factors along its path up to C. ` +
        `Choose one.`,
    );
    const choices = [];
    for (let l = n; l >= 1; l--) choices.push(`w${l}`, `b${l}`, `a${l - 1}`);
    const formula = el("p", { className: "story-formula", "aria-live": "polite" });
    const picker = el("div", {
      className: "story-picks",
      role: "group",
      "aria-label": "The derivative to follow",
    });
    const show = (node) => {
      picker
        .querySelectorAll("button")
        .forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.node === node)));
      const factors = chainFactors(chain, n, node);
      const total = derivative(chain, node);
      const name = `${node[0]}${sup(node.slice(1))}`;
      const spans = factors.map((f) =>
        el("span", { className: "factor", textContent: `${f.text} = ${num(f.value, 3)}` }),
      );
      const joined = [];
      spans.forEach((s, i) => joined.push(...(i ? [" × ", s] : [s])));
      formula.replaceChildren(`∂C/∂${name} = `, ...joined, ` = ${signed(total, 4)}`);
      // the nudge climbs the path: one more factor, and its edge, each stage
      view.animate(
        factors.map((f) => ({ name: f.text, duration: FACTOR_MS })),
        (stage, p) => {
          const upTo = stage + (p >= 1 ? 1 : 0);
          const lit = new Set([node]);
          const litEdges = new Set();
          factors.slice(0, Math.max(upTo, 1)).forEach((f, i) => {
            if (i >= upTo) return;
            lit.add(f.edge[1]);
            litEdges.add(`${f.edge[0]}>${f.edge[1]}`);
          });
          light(lit, litEdges);
          spans.forEach((s, i) => s.classList.toggle("on", i < upTo || (i === stage && p > 0)));
        },
      );
    };
    for (const node of choices) {
      const b = button(`∂C/∂${node[0]}${sup(node.slice(1))}`, { dataset: { node } });
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", () => show(node));
      b.addEventListener("focus", () => show(node));
      picker.append(b);
    }
    view.stage.append(picker, el("div", { className: "story-tree" }, svg), formula);
    show(`w${n}`);
  },
};

const paths = {
  title: "The real network: a sum over paths",
  enter(view, example) {
    const { model, label, result } = view;
    const L = model.sizes.length - 1;
    const layer = L - 1; // weights into the last hidden layer: their paths fan out to every output
    const nIn = model.sizes[layer - 1];
    const g = result.grad_weights[layer - 1];
    const options = largest(g, 5).sort((p, q) => Math.abs(g[q]) - Math.abs(g[p]));
    const select = el("select", { "aria-label": "The weight to follow" });
    options.forEach((i) => {
      const pick = { kind: "weight", layer, to: Math.floor(i / nIn), from: i % nIn };
      select.append(new Option(pickName(model, pick), String(i)));
    });
    view.stage.append(el("label", { className: "story-pick" }, "Weight ", select));
    const canvas = canvasIn(
      view,
      "story-net",
      "the chosen weight's paths to every output lit on the network",
    );
    const formula = el("p", { className: "story-formula" });
    view.stage.append(formula);
    const holder = el("div");
    view.stage.append(holder);
    const show = () => {
      const i = Number(select.value);
      const pick = { kind: "weight", layer, to: Math.floor(i / nIn), from: i % nIn };
      const found = pickChain(model, example.x, label, pick, result);
      const sum = pickChain(
        model,
        example.x,
        label,
        { kind: "activation", layer, neuron: pick.to },
        result,
      );
      const { a_prev: ak, sigma_prime: sp } = found.factors;
      const net = new NetPicture(canvas, model, result, {
        keep: { [layer - 1]: [pick.from], [layer]: [pick.to] },
      });
      const a = `a${sub(pick.from)}`;
      const prime = primeName(model, layer);
      view.say(
        `In the real network a neuron feeds many: this weight reaches C through every one of ` +
          `the ${model.sizes[L]} outputs. So ∂C/∂w = ${a} · ${prime}(z) · ∂C/∂a, and ∂C/∂a is a sum over ` +
          `those paths: ${num(sum.sum, 4)}. The product ${signed(found.product, 4)} is backprop's ` +
          `∂C/∂w (${signed(found.derivative, 4)}).`,
      );
      formula.textContent =
        `∂C/∂w = ${a} · ${prime}(z${sub(pick.to)}) · ∂C/∂a${sub(pick.to)} = ${num(ak, 3)} × ${num(sp, 3)} × ` +
        `${num(sum.sum, 4)} = ${signed(found.product, 4)}`;
      holder.replaceChildren();
      const t = table(
        { stage: holder },
        `∂C/∂a${sub(pick.to)}: one term per path, w · δ, summed`,
        ["output", "w", outputDelta(model), "term"],
        sum.paths.map((q) => [String(q.to), num(q.w, 3), num(q.delta, 4), signed(q.term, 3)]),
      );
      const rows = [...t.querySelectorAll("tbody tr")];
      view.animate(
        [
          ...sum.paths.map((q) => ({ name: `path through output ${q.to}`, duration: 140 })),
          { name: "the product", duration: 500 },
        ],
        (stage, p) => {
          const upTo = Math.min(sum.paths.length, stage + (p >= 1 ? 1 : 0));
          const lit = sum.paths.slice(0, upTo).map((q) => [L, pick.to, q.to]);
          net.paint({ path: [[layer, pick.from, pick.to], ...lit], ring: [[layer, pick.to]] });
          rows.forEach((r, n) => r.classList.toggle("on", n < upTo));
          canvas.dataset.paths = String(upTo);
        },
      );
    };
    select.addEventListener("change", show);
    show();
  },
};

export const CALCULUS_SCENES = [chainScene, tree, paths].map((s) => ({ ...s, chapter: 3 }));
