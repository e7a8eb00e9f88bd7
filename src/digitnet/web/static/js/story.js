// The Story tab: the video's four chapters as one guided path of scenes (story-scenes.js), on
// the example the learning views share and the loaded network. One scene at a time, entered
// with a view to paint into and left with exit(); Back and Next, ← and →, a strip of links
// (#scene=N, kept in the address so a reload comes back); the page's timeline plays, pauses,
// steps and replays whatever the scene animates. Under prefers-reduced-motion nothing plays by
// itself: each scene opens on its final state.

import { Timeline } from "./timeline.js";
import { backprop } from "./backprop-math.js";
import { CHAPTERS, SCENES } from "./story-scenes.js";
import { button, el, labelPicker } from "./chapters.js";

const HASH = /^#scene=(.*)$/;

/** The scene number a location's hash names (1…SCENES.length), or null when it names none:
 * a number out of range opens the nearest scene, anything else after #scene= the first. */
export function sceneInHash(hash, count = SCENES.length) {
  const found = HASH.exec(hash);
  if (!found) return null;
  const n = /^\d+$/.test(found[1]) ? Number(found[1]) : 1;
  return Math.max(1, Math.min(count, n));
}

export class StoryView {
  /**
   * root: the tab's panel; example: the shared Example; select(): shows this tab (the page's
   * tab switcher); served: a server answers (else the scenes that need one say so);
   * samples: test digits embedded in an exported page ([{label, pixels_255}]); keys: where ←
   * and → turn the scenes (a notebook's widget listens on itself only, not the whole notebook);
   * address: the scene is kept in the page's address (#scene=N), which can open it (not in a
   * notebook, whose address is the notebook's).
   */
  constructor(
    root,
    example,
    { served = true, select = () => {}, samples = null, keys = document, address = true } = {},
  ) {
    this.address = address;
    this.root = root;
    this.example = example;
    this.served = served;
    this.samples = samples;
    this.select = select;
    this.model = null;
    this.index = 0; // 0-based; the address and the labels count from 1
    this.scene = null; // the scene entered, with its exit
    this.timeline = new Timeline();
    this.motion = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.build();
    example.onChange(() => this.refresh(true));
    this.timeline.onChange(() => this.showControls());
    new MutationObserver(() => this.shownOrHidden()).observe(root, {
      attributes: true,
      attributeFilter: ["hidden"],
    });
    if (address) window.addEventListener("hashchange", () => this.followHash());
    keys.addEventListener("keydown", (e) => this.key(e));
  }

  build() {
    this.labelSelect = labelPicker("story-label", (d) => this.example.setLabel(d));
    this.strip = el("ol", { className: "story-strip" });
    let chapter = null;
    SCENES.forEach((scene, i) => {
      const link = el("a", {
        href: `#scene=${i + 1}`,
        textContent: String(i + 1),
        title: scene.title,
        "aria-label": `Scene ${i + 1}: ${scene.title}`,
        onclick: (e) => {
          e.preventDefault(); // go() keeps the address, where there is one
          this.go(i);
        },
      });
      const item = el("li", {}, link);
      if (scene.chapter !== chapter) item.className = "chapter-start";
      chapter = scene.chapter;
      this.strip.append(item);
    });
    this.where = el("p", { className: "story-where muted" });
    this.title = el("h2", { className: "story-title", dataset: { testid: "story-title" } });
    this.words = el("p", { className: "story-words" });
    this.stage = el("div", { className: "story-stage" });
    this.status = el("span", { className: "muted story-status", "aria-live": "polite" });
    const control = (text, testid, action) =>
      button(text, { dataset: { testid }, onclick: action });
    this.back = control("← Back", "story-back", () => this.go(this.index - 1));
    this.next = control("Next →", "story-next", () => this.go(this.index + 1));
    this.play = control("Play", "story-play", () => this.timeline.play());
    this.pause = control("Pause", "story-pause", () => this.timeline.pause());
    this.step = control("Step", "story-step", () => this.timeline.step());
    this.article = el(
      "article",
      { className: "story-scene", dataset: { testid: "story-scene" }, "aria-live": "off" },
      this.where,
      this.title,
      this.words,
      this.stage,
      el(
        "div",
        { className: "story-controls" },
        this.back,
        this.play,
        this.pause,
        this.step,
        this.next,
        this.status,
      ),
    );
    // the example and label: open on a wide screen, one line on a phone (the scene first)
    this.summary = el("summary", { className: "story-example-summary" });
    const phone = window.matchMedia("(max-width: 600px)").matches;
    this.root.replaceChildren(
      el(
        "details",
        { className: "story-example", open: !phone },
        this.summary,
        this.example.topBar(this.labelSelect),
      ),
      el("nav", { "aria-label": "Scenes of the story" }, this.strip),
      this.article,
    );
    this.root.classList.add("story");
  }

  setModel(model) {
    this.model = model;
    if (this.address && sceneInHash(window.location.hash) !== null) this.followHash();
    else this.refresh();
  }

  /** The address names a scene: open the tab there. */
  followHash() {
    const n = sceneInHash(window.location.hash);
    if (n === null || !this.model) return;
    if (this.root.hidden) this.select();
    this.go(n - 1);
  }

  shownOrHidden() {
    if (this.root.hidden) {
      this.leave();
      if (this.address && sceneInHash(window.location.hash) !== null)
        history.replaceState(null, "", window.location.pathname + window.location.search);
    } else if (!this.scene) {
      this.go(this.index); // shown by a tab, not by go() (which has entered the scene already)
    }
  }

  key(e) {
    if (this.root.hidden || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest && e.target.closest("input, select, textarea, [role=tab]")) return;
    const to = { ArrowLeft: this.index - 1, ArrowRight: this.index + 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    this.go(to);
  }

  /** Show scene i (0-based), playing what it animates. */
  go(i, autoplay = this.motion) {
    this.index = Math.max(0, Math.min(SCENES.length - 1, i));
    const hash = `#scene=${this.index + 1}`;
    if (this.address && window.location.hash !== hash) history.replaceState(null, "", hash);
    if (!this.root.hidden && this.model) this.enter(autoplay);
    this.showStrip();
  }

  /** The example, its label or the model changed: the scene again, at its final state. */
  refresh(exampleOnly = false) {
    const scene = SCENES[this.index];
    if (this.root.hidden || !this.model) return;
    if (exampleOnly && scene.followsExample === false)
      this.showLabel(); // the run goes on
    else this.enter(false);
  }

  leave() {
    this.timeline.cancel();
    if (this.scene && this.scene.exit) this.scene.exit();
    this.scene = null;
  }

  enter(autoplay) {
    this.leave();
    const scene = SCENES[this.index];
    const { model, example } = this;
    const label = this.showLabel();
    this.article.dataset.index = String(this.index + 1);
    this.where.textContent = `${CHAPTERS[scene.chapter]} · scene ${this.index + 1} of ${SCENES.length}`;
    this.title.textContent = scene.title;
    this.words.textContent = "";
    this.stage.replaceChildren();
    this.back.disabled = this.index === 0;
    this.next.disabled = this.index === SCENES.length - 1;
    const view = {
      model,
      label,
      result: backprop(model, example.x, label),
      stage: this.stage,
      served: this.served,
      samples: this.samples,
      api: example.api, // the server's answers (or a notebook kernel's)
      timeline: this.timeline,
      motion: this.motion,
      say: (text) => (this.words.textContent = text),
      busy: (promise) => this.busy(promise),
      animate: (stages, render) => this.timeline.run(stages, render, { autoplay }),
    };
    this.article.dataset.ready = "yes";
    this.scene = { exit: null };
    const exit = scene.enter(view, example);
    this.scene.exit = typeof exit === "function" ? exit : null;
    this.showControls();
  }

  /** The label studied, shown in the picker; returns it. */
  showLabel() {
    const label = this.example.labelFor(this.model);
    if (this.labelSelect.value !== String(label)) this.labelSelect.value = String(label);
    this.summary.textContent = `Example: ${this.example.describe()}, label ${label}`;
    return label;
  }

  /** The scene waits for promise (digits from the server): data-ready="no" until it is done. */
  busy(promise) {
    const scene = this.scene;
    this.article.dataset.ready = "no";
    const done = () => {
      if (this.scene === scene) this.article.dataset.ready = "yes";
    };
    promise.then(done, done);
    return promise;
  }

  showStrip() {
    this.strip.querySelectorAll("a").forEach((a, i) => {
      if (i !== this.index) return a.removeAttribute("aria-current");
      a.setAttribute("aria-current", "step");
      // a phone's strip is one row that scrolls sideways: the scene's number in its middle
      const { strip } = this;
      strip.scrollLeft = a.offsetLeft - (strip.clientWidth - a.offsetWidth) / 2;
    });
  }

  showControls() {
    const tl = this.timeline;
    const moves = tl.hasMotion();
    this.play.disabled = !moves || tl.playing;
    this.play.textContent = tl.ended ? "Replay" : "Play";
    this.pause.disabled = !tl.playing;
    this.step.disabled = !moves;
    const stage = tl.stages[tl.stage];
    this.status.textContent =
      moves && stage ? `${stage.name} (${tl.stage + 1} of ${tl.stages.length})` : "";
  }
}
