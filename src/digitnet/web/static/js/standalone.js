// The exported page: the Draw view and the diagram, and the learning views that need no server
// (Backprop, Gradient descent without the landscape, Chain rule, the story but for the scenes
// that train), with the weights embedded.

import { decodeModel } from "./network.js";
import { DrawView } from "./draw.js";
import { Example } from "./example.js";
import { BackpropView } from "./backprop.js";
import { GradientView } from "./gradient.js";
import { ChainView } from "./chain.js";
import { StoryView } from "./story.js";
import { setUpTabs } from "./tabs.js";

const embedded = JSON.parse(document.getElementById("digitnet-model").textContent);
const samplesTag = document.getElementById("digitnet-samples"); // a few test digits, if exported
const samples = samplesTag ? JSON.parse(samplesTag.textContent) : null;
const model = decodeModel(embedded);
const exported = new DrawView(document.getElementById("view-draw"));
const example = new Example({ served: false, samples, drawOwn: () => openDraw() });
const views = {
  backprop: new BackpropView(document.getElementById("view-backprop"), example, { samples }),
  gradient: new GradientView(document.getElementById("view-gradient"), example),
  chain: new ChainView(document.getElementById("view-chain"), example),
};
exported.onResult((x) => example.setDrawing(x));
exported.setModel(model);
for (const view of Object.values(views)) view.setModel(model);
const select = setUpTabs();
views.story = new StoryView(document.getElementById("view-story"), example, {
  served: false,
  samples,
  select: () => select(document.getElementById("tab-story")),
});
views.story.setModel(model);
function openDraw() {
  select(document.getElementById("tab-draw"));
  exported.pad.focus();
}
window.digitnet = { draw: exported, example, ...views };
