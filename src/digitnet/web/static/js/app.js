// The served page: tabs, the model (fetched once as JSON, run in the page), and the views.

import { api } from "./api.js";
import { decodeModel } from "./network.js";
import { DrawView } from "./draw.js";
import { WeightsView } from "./weights.js";
import { LearnView } from "./learn.js";
import { ExperimentsView } from "./experiments.js";
import { Example } from "./example.js";
import { BackpropView } from "./backprop.js";
import { GradientView } from "./gradient.js";
import { ChainView } from "./chain.js";
import { StoryView } from "./story.js";
import { setUpTabs } from "./tabs.js";

const $ = (selector) => document.querySelector(selector);
const draw = new DrawView($("#view-draw"));
const weights = new WeightsView($("#view-weights"), draw.diagram);
const learn = new LearnView($("#view-learn"), (json) => useModel(json, true));
const experiments = new ExperimentsView(
  $("#view-experiments"),
  (pixels, note, { index, label }) => {
    select($("#tab-draw"));
    draw.showImage(pixels, note);
    example.openImage(draw.given, label, { split: "test", index }); // studied as the test image
  },
);
// the learner's digit, which the learning views study: a test digit until they draw
const example = new Example({ drawOwn: () => openDraw() });
const backprop = new BackpropView($("#view-backprop"), example);
const gradient = new GradientView($("#view-gradient"), example);
const chain = new ChainView($("#view-chain"), example);
draw.onResult((x, activations) => {
  weights.showActivations(x, activations);
  example.setDrawing(x);
});
const select = setUpTabs();
const story = new StoryView($("#view-story"), example, {
  select: () => select($("#tab-story")),
});
window.digitnet = { draw, example, backprop, gradient, chain, story };
function openDraw() {
  select($("#tab-draw"));
  draw.pad.focus();
}
$("#go-learn").addEventListener("click", () => select($("#tab-learn")));

function useModel(json, refreshList = false) {
  const model = decodeModel(json);
  $("#no-model").hidden = true;
  draw.setModel(model);
  weights.setModel(model);
  for (const view of [backprop, gradient, chain, story]) view.setModel(model);
  experiments.modelChanged();
  if (refreshList) listModels();
  example.start(); // a real test digit, once there is a model (and until the learner draws)
}

async function listModels() {
  const { models, current, outside } = await api("/api/models");
  const pick = $("#model-select");
  const shown = (name) => name.replace(/\.safetensors$/, "");
  const options = models.map((name) => new Option(shown(name), name, false, name === current));
  if (outside) {
    // the model the server was started with, from another folder: listed, and chosen again
    const text = `${shown(outside.name)} (outside the models folder)`;
    const option = new Option(text, outside.name, false, outside.name === current);
    option.title = outside.path;
    options.unshift(option);
  }
  pick.replaceChildren(...options);
  pick.disabled = !options.length;
  return current;
}

$("#model-select").addEventListener("change", async (e) => {
  const said = $("#model-status");
  try {
    useModel(await api("/api/model", { method: "PUT", body: { name: e.target.value } }));
    said.textContent = "";
  } catch (err) {
    said.textContent = `Could not load ${e.target.value}: ${err.message}`;
    listModels(); // the menu shows the model really loaded
  }
});

async function start() {
  if (!(await listModels())) {
    $("#no-model").hidden = false; // no model to ask for: no 404 in the console
    return;
  }
  useModel(await api("/api/model"));
}
start();
