// The story's scenes in the video's order, chapter by chapter. Each scene is {chapter, title,
// enter(view, example)}: enter paints into view.stage, says its few sentences with view.say,
// hands what moves to the page's timeline with view.animate(stages, render), and may return a
// function that undoes what it started (the Story calls it when the scene is left).

import { NETWORK_SCENES } from "./story-network.js";

export const CHAPTERS = [
  "Chapter 1 · What the network is",
  "Chapter 2 · Gradient descent",
  "Chapter 3 · Backpropagation",
  "Chapter 4 · The calculus",
];

export const SCENES = [...NETWORK_SCENES];
