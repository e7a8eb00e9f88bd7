// The page's one timeline: every animation is a run of stages (forward: one stage a layer;
// backward: one a layer, outputs first), painted by a render(stage, progress) function that
// draws the whole picture for that moment from state, so any moment can be shown at once.
// Play, pause, step (finish this stage, then the next one at a time), replay, finish; starting
// a run cancels the one before. No DOM here: the clock (now, request a frame, cancel it) is
// given, so node --test drives it by hand.

/** The browser's clock: performance.now and requestAnimationFrame. */
export function browserClock() {
  return {
    now: () => performance.now(),
    request: (fn) => requestAnimationFrame(fn),
    cancel: (id) => cancelAnimationFrame(id),
  };
}

export class Timeline {
  constructor(clock = browserClock()) {
    this.clock = clock;
    this.stages = [];
    this.render = () => {};
    this.stage = 0; // the stage being shown
    this.progress = 1; // how far into it, 0…1
    this.playing = false;
    this.frame = null; // the requested frame's id, while playing
    this.last = 0; // the clock when the last frame was painted
    this.listeners = [];
  }

  /** Called with the timeline whenever it starts, stops, steps, enters a stage while playing,
   * or ends (for the buttons and the status). */
  onChange(listener) {
    this.listeners.push(listener);
  }

  changed() {
    this.listeners.forEach((f) => f(this));
  }

  /**
   * A new run: stages [{name, duration (ms)}], render(stage, progress). The run before is
   * cancelled. autoplay false (reduced motion, or a still scene): its final state at once.
   */
  run(stages, render, { autoplay = true } = {}) {
    this.stop();
    this.stages = stages.length ? stages : [{ name: "still", duration: 0 }];
    this.render = render;
    if (autoplay && this.hasMotion()) {
      this.seek(0, 0);
      this.play();
    } else {
      this.seek(this.stages.length - 1, 1);
      this.changed();
    }
  }

  /** Whether the run moves at all (a still scene's play does nothing). */
  hasMotion() {
    return this.stages.some((s) => s.duration > 0);
  }

  get ended() {
    return this.stage === this.stages.length - 1 && this.progress >= 1;
  }

  /** Show stage i at progress p now. */
  seek(i, p) {
    this.stage = i;
    this.progress = p;
    this.render(i, p);
  }

  play() {
    if (this.playing || !this.hasMotion()) return;
    if (this.ended) this.seek(0, 0); // play at the end is replay
    this.playing = true;
    this.last = this.clock.now();
    this.frame = this.clock.request(() => this.tick());
    this.changed();
  }

  pause() {
    if (!this.playing) return;
    this.stop();
    this.changed();
  }

  /** Stop asking for frames, leaving the picture where it is. */
  stop() {
    if (this.frame !== null) this.clock.cancel(this.frame);
    this.frame = null;
    this.playing = false;
  }

  /** One stage: finish the one under way, or show the next one finished (at the end: the
   * first one again); then pause. */
  step() {
    this.stop();
    if (this.progress < 1) this.seek(this.stage, 1);
    else if (this.stage + 1 < this.stages.length) this.seek(this.stage + 1, 1);
    else this.seek(0, 1);
    this.changed();
  }

  replay() {
    this.stop();
    this.seek(0, 0);
    this.play();
  }

  /** Jump to the end of the run. */
  finish() {
    this.stop();
    this.seek(this.stages.length - 1, 1);
    this.changed();
  }

  /** Drop the run (a scene is left): nothing more is painted. */
  cancel() {
    this.stop();
    this.stages = [];
    this.render = () => {};
    this.stage = 0;
    this.progress = 1;
    this.changed();
  }

  tick() {
    this.frame = null;
    const now = this.clock.now();
    let elapsed = Math.max(0, now - this.last);
    this.last = now;
    let { stage, progress } = this;
    // move through as many stages as the time since the last frame covers
    while (elapsed > 0 || this.stages[stage].duration === 0) {
      const duration = this.stages[stage].duration;
      const left = duration * (1 - progress);
      if (duration > 0 && elapsed < left) {
        progress += elapsed / duration;
        elapsed = 0;
        break;
      }
      elapsed -= Math.max(0, left);
      progress = 1;
      if (stage + 1 >= this.stages.length) break;
      stage += 1;
      progress = 0;
    }
    const entered = stage !== this.stage; // a new stage began: the status names it
    this.seek(stage, progress);
    if (this.ended) {
      this.playing = false;
      this.changed();
    } else {
      this.frame = this.clock.request(() => this.tick());
      if (entered) this.changed();
    }
  }
}
