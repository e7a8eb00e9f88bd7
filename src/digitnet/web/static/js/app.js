// The served page: tabs, the model (fetched once as JSON, run in the page), and the four views.

import { api } from "./api.js";
import { decodeModel } from "./network.js";
import { DrawView } from "./draw.js";
import { WeightsView } from "./weights.js";
import { LearnView } from "./learn.js";
import { ExperimentsView } from "./experiments.js";

const $ = (selector) => document.querySelector(selector);
const draw = new DrawView($("#view-draw"));
const weights = new WeightsView($("#view-weights"), draw.diagram);
const learn = new LearnView($("#view-learn"), (json) => useModel(json, true));
new ExperimentsView($("#view-experiments"));
draw.onResult((x, activations) => weights.showActivations(x, activations));
window.digitnet = { draw };

// Tabs: click, or arrow keys / Home / End when a tab has the focus.
const tabs = Array.from(document.querySelectorAll("[role=tab]"));
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
  }
}
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => select(tab));
  tab.addEventListener("keydown", (e) => {
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length];
    target.focus();
    select(target);
  });
});
$("#go-learn").addEventListener("click", () => select($("#tab-learn")));

function useModel(json, refreshList = false) {
  const model = decodeModel(json);
  $("#no-model").hidden = true;
  draw.setModel(model);
  weights.setModel(model);
  if (refreshList) listModels();
}

async function listModels() {
  const { models, current } = await api("/api/models");
  const pick = $("#model-select");
  pick.replaceChildren(...models.map((name) => new Option(name, name, false, name === current)));
  pick.disabled = !models.length;
}

$("#model-select").addEventListener("change", async (e) => {
  try {
    useModel(await api("/api/model", { method: "PUT", body: { name: e.target.value } }));
  } catch (err) {
    alert(`Could not load ${e.target.value}: ${err.message}`);
  }
});

async function start() {
  await listModels();
  try {
    useModel(await api("/api/model"));
  } catch (e) {
    if (e.status !== 404) throw e;
    $("#no-model").hidden = false;
  }
}
start();
