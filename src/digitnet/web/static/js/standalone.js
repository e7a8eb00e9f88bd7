// The exported page: the Draw view and the diagram, with the weights embedded in the page.

import { decodeModel } from "./network.js";
import { DrawView } from "./draw.js";

const embedded = JSON.parse(document.getElementById("digitnet-model").textContent);
const exported = new DrawView(document.getElementById("view-draw"));
exported.setModel(decodeModel(embedded));
window.digitnet = { draw: exported };
