// The story's scenes in the video's order, chapter by chapter. Each scene is {chapter, title,
// enter(view, example)}: enter paints into view.stage, says its few sentences with view.say,
// hands what moves to the page's timeline with view.animate(stages, render), and may return a
// function that undoes what it started (the Story calls it when the scene is left).

import { NETWORK_SCENES } from "./story-network.js";
import { DESCENT_SCENES, STOCHASTIC } from "./story-descent.js";
import { BACKPROP_SCENES } from "./story-backprop.js";
import { CALCULUS_SCENES } from "./story-calculus.js";

export const CHAPTERS = [
  "Chapter 1 · What the network is",
  "Chapter 2 · Gradient descent",
  "Chapter 3 · Backpropagation",
  "Chapter 4 · The calculus",
];

// chapter 3 ends with the careful walk against the stumbling one, then this example's step
const chapter3 = [...BACKPROP_SCENES.slice(0, -1), STOCHASTIC, BACKPROP_SCENES.at(-1)];

export const SCENES = [
  ...NETWORK_SCENES,
  ...DESCENT_SCENES,
  ...chapter3.map((scene) => ({ ...scene, chapter: 2 })),
  ...CALCULUS_SCENES,
];
