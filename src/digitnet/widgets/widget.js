// The Jupyter widgets' one ES module (anywidget): each widget is one of the page's own views, in
// a shadow root with the page's stylesheets (so neither restyles the other), on the network the
// kernel sends. What the served page asks its server (api.js) goes to the kernel as a message.
// esbuild bundles this file with the page's modules into static/widget.js (npm run build).

import page from "../web/static/index.html";
import style from "../web/static/style.css";
import chapters from "../web/static/chapters.css";
import { decodeModel } from "../web/static/js/network.js";
import { DrawView } from "../web/static/js/draw.js";
import { Example } from "../web/static/js/example.js";
import { BackpropView } from "../web/static/js/backprop.js";
import { GradientView } from "../web/static/js/gradient.js";
import { ChainView } from "../web/static/js/chain.js";
import { StoryView } from "../web/static/js/story.js";
import { mountBall } from "../web/static/js/landscape-ball.js";
import { section } from "../web/static/js/chapters.js";

// The page's variables and body type belong to the widget's own box here.
const CSS = (style + chapters).replace(/^(?::root|body) \{/gm, ":host {");

/** A view's markup from index.html, between its export markers (as `digitnet export-html`). */
function markup(view) {
  const found = page.match(new RegExp(`<!-- export:${view} -->([\\s\\S]*?)<!-- /export:${view}`));
  if (!found) throw new Error(`index.html lost its export:${view} markers`);
  return found[1];
}

/**
 * api.js's contract over the widget's messages: {type: "request", id, path, method, body} to
 * the kernel, {type: "answer", id, answer} or {type: "answer", id, error, status} back.
 */
function kernelApi(model) {
  const waiting = new Map();
  let next = 0;
  const listen = (msg) => {
    if (msg.type !== "answer" || !waiting.has(msg.id)) return;
    const { resolve, reject } = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error === undefined) return resolve(msg.answer);
    reject(Object.assign(new Error(msg.error), { status: msg.status }));
  };
  model.on("msg:custom", listen);
  const request = (path, options = {}) =>
    new Promise((resolve, reject) => {
      next += 1;
      waiting.set(next, { resolve, reject });
      const { method = "GET", body = null } = options;
      model.send({ type: "request", id: next, path, method, body });
    });
  return { request, close: () => model.off("msg:custom", listen) };
}

/** Keep a trait and the view in step both ways; returns what undoes it. */
function follow(model, name, show) {
  const changed = () => show(model.get(name));
  model.on(`change:${name}`, changed);
  return () => model.off(`change:${name}`, changed);
}

function send(model, values) {
  for (const [name, value] of Object.entries(values)) model.set(name, value);
  model.save_changes();
}

const same = (a, b) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-6);

// Draw: pixels (784 floats) both ways; the kernel answers `prediction` from them.
function drawWidget(model, root) {
  root.innerHTML = markup("draw");
  const view = new DrawView(root.querySelector("#view-draw"));
  let shown = [];
  let started = false; // until the kernel's pixels are shown, the blank pad is not news
  view.onResult((x) => {
    shown = Array.from(x);
    if (started && !same(shown, model.get("pixels"))) send(model, { pixels: shown });
  });
  const show = (pixels) => {
    if (same(pixels, shown)) return;
    if (pixels.some((v) => v > 0))
      view.showImage(
        pixels.map((v) => v * 255),
        "set from Python",
      );
    else view.clear();
  };
  const start = () => {
    show(model.get("pixels"));
    started = true;
  };
  return { view, start, undo: [follow(model, "pixels", show)] };
}

// Backprop, Gradient descent, Chain rule, Story: one example (784 floats) and its label, both
// ways. make(root, example, model) makes the view.
function learningWidget(make) {
  return (model, root, example) => {
    const view = make(root, example, model);
    const show = () => {
      const x = Float64Array.from(model.get("example"));
      const label = model.get("label");
      const sameX = same(x, example.x); // e.g. the first test digit, taken from the samples
      if (sameX && label === example.labelFor(view.model)) return;
      if (!sameX) {
        // another example from the kernel: the views study it as a drawing
        example.take({ x, trueLabel: null, origin: { split: "drawing", index: null } });
        example.drawing = x;
      }
      example.label = label;
      example.changed();
    };
    example.onChange(() => {
      const label = example.labelFor(view.model);
      if (label !== model.get("label") || !same(example.x, model.get("example")))
        send(model, { example: Array.from(example.x), label });
    });
    return {
      view,
      start: show,
      undo: [follow(model, "example", show), follow(model, "label", show)],
    };
  };
}

/** A training run's events from the kernel ({type: "run" | "plane" | "ball" | "done", ...}),
 * as landscape-ball.js reads a server's: an EventSource's addEventListener and close. */
function kernelEvents(model) {
  const listeners = new Map();
  const heard = (msg) =>
    (listeners.get(msg.type) || []).forEach((f) => f({ data: JSON.stringify(msg) }));
  model.on("msg:custom", heard);
  return {
    addEventListener: (kind, f) => listeners.set(kind, [...(listeners.get(kind) || []), f]),
    close: () => model.off("msg:custom", heard),
  };
}

// Gradient descent with data: the ball follows a run the kernel trains with ride_along.
function rideAlong(model, root, request) {
  const box = document.createElement("div");
  root.append(
    section(
      "The ball, while a cell trains",
      "Train with on_event=widget.ride_along (digitnet.training.fit or train): the ball is the network being trained, on a slice of its real cost through the weights after its first step, as the cell runs.",
      box,
    ),
  );
  const ball = mountBall(box, { api: request, events: () => kernelEvents(model) });
  const started = (msg) => msg.type === "run" && ball.follow();
  model.on("msg:custom", started);
  return () => {
    model.off("msg:custom", started);
    ball.destroy();
  };
}

const WIDGETS = {
  draw: drawWidget,
  backprop: learningWidget(
    (root, example, model) => new BackpropView(root, example, { samples: model.get("samples") }),
  ),
  gradient: learningWidget((root, example) => new GradientView(root, example)),
  chain: learningWidget((root, example) => new ChainView(root, example)),
  story: learningWidget(
    (root, example, model) =>
      new StoryView(root, example, {
        served: false,
        samples: model.get("samples"),
        keys: root,
        address: false, // the notebook's address is not the story's
      }),
  ),
};

function render({ model, el }) {
  const host = document.createElement("div");
  host.className = "digitnet-widget";
  el.append(host);
  const shadow = host.attachShadow({ mode: "open" });
  const root = document.createElement("section");
  root.className = "view";
  shadow.append(Object.assign(document.createElement("style"), { textContent: CSS }), root);
  const kernel = kernelApi(model);
  const example = new Example({
    served: model.get("served"),
    samples: model.get("samples"), // test digits to choose from, when the kernel has them
    request: kernel.request,
  });
  const { view, start, undo } = WIDGETS[model.get("_view")](model, root, example);
  if (model.get("_view") === "gradient" && model.get("served"))
    undo.push(rideAlong(model, root, kernel.request));
  const useNetwork = () => view.setModel(decodeModel(model.get("network")));
  useNetwork();
  start();
  const stop = follow(model, "network", useNetwork);
  return () => [stop, ...undo, kernel.close].forEach((f) => f());
}

export default { render };
