// Built by esbuild from src/digitnet/widgets/widget.js and the page's modules (npm run build): do not edit.

// src/digitnet/web/static/index.html
var static_default = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>digitnet</title>
    <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/static/style.css" />
    <link rel="stylesheet" href="/static/chapters.css" />
  </head>
  <body>
    <a class="skip" href="#main">Skip to the view</a>
    <header class="top">
      <h1>digitnet</h1>
      <nav role="tablist" aria-label="Views">
        <button
          role="tab"
          id="tab-story"
          data-testid="tab-story"
          aria-controls="view-story"
          aria-selected="false"
          tabindex="-1"
        >
          Story
        </button>
        <button
          role="tab"
          id="tab-draw"
          data-testid="tab-draw"
          aria-controls="view-draw"
          aria-selected="true"
        >
          Draw
        </button>
        <button
          role="tab"
          id="tab-weights"
          data-testid="tab-weights"
          aria-controls="view-weights"
          aria-selected="false"
          tabindex="-1"
        >
          Weights
        </button>
        <button
          role="tab"
          id="tab-learn"
          data-testid="tab-learn"
          aria-controls="view-learn"
          aria-selected="false"
          tabindex="-1"
        >
          Learn
        </button>
        <button
          role="tab"
          id="tab-experiments"
          data-testid="tab-experiments"
          aria-controls="view-experiments"
          aria-selected="false"
          tabindex="-1"
        >
          Experiments
        </button>
        <button
          role="tab"
          id="tab-gradient"
          data-testid="tab-gradient"
          aria-controls="view-gradient"
          aria-selected="false"
          tabindex="-1"
        >
          Gradient descent
        </button>
        <button
          role="tab"
          id="tab-backprop"
          data-testid="tab-backprop"
          aria-controls="view-backprop"
          aria-selected="false"
          tabindex="-1"
        >
          Backprop
        </button>
        <button
          role="tab"
          id="tab-chain"
          data-testid="tab-chain"
          aria-controls="view-chain"
          aria-selected="false"
          tabindex="-1"
        >
          Chain rule
        </button>
      </nav>
      <label class="model-pick"
        >Model
        <select id="model-select" aria-label="Model from the models folder"></select>
      </label>
      <span id="model-status" class="warning" role="status"></span>
    </header>
    <p id="no-model" class="banner" hidden>
      No model yet. <button id="go-learn" type="button">Train one in the Learn view</button>
    </p>
    <main id="main" tabindex="-1">
      <!-- The story builds its own markup (js/story.js). -->
      <!-- export:story -->
      <section
        id="view-story"
        role="tabpanel"
        aria-labelledby="tab-story"
        class="view"
        hidden
      ></section>
      <!-- /export:story -->
      <!-- export:draw -->
      <section id="view-draw" role="tabpanel" aria-labelledby="tab-draw" class="view draw">
        <div class="pad-column">
          <canvas
            id="pad"
            data-testid="draw-canvas"
            class="pad"
            tabindex="0"
            role="application"
            aria-roledescription="drawing pad"
            aria-label="Drawing pad: draw one digit with the mouse, a finger or a pen"
            aria-describedby="pad-keys"
          ></canvas>
          <span class="pen" hidden></span>
          <p id="pad-keys" class="muted keys">
            Keyboard: arrows move the pen (Shift: finer), Space puts it down or lifts it, Delete
            clears.
          </p>
          <div class="pad-tools">
            <button id="clear" type="button">Clear</button>
            <span id="timing" class="muted" aria-live="off" hidden></span>
          </div>
        </div>
        <div class="result">
          <div class="answer-row">
            <figure class="processed">
              <canvas
                id="processed"
                width="28"
                height="28"
                role="img"
                aria-label="The 28\xD728 input the network sees"
              ></canvas>
              <figcaption>what the network sees (28\xD728)</figcaption>
            </figure>
            <div>
              <div class="label">answer</div>
              <div id="answer" data-testid="answer" class="answer" aria-live="polite"></div>
            </div>
          </div>
          <div id="bars" class="bars" role="group" aria-label="The ten output activations"></div>
          <p class="hint muted">Draw a digit on the black pad. Outputs light up as you draw.</p>
        </div>
        <canvas
          id="diagram"
          class="diagram"
          role="img"
          aria-label="The network: input grid, hidden neurons and outputs lit by their activations; edges green for positive weights, red for negative"
        ></canvas>
      </section>
      <!-- /export:draw -->
      <section id="view-weights" role="tabpanel" aria-labelledby="tab-weights" class="view" hidden>
        <p class="muted">
          Each neuron of hidden layer 1: its 784 incoming weights as a 28\xD728 grid: green positive,
          red negative, brightness = size. Choose one to see its bias and the test digits that
          excite it most.
        </p>
        <div class="weights-layout">
          <div id="grids" class="grids"></div>
          <div class="neuron-detail">
            <label class="neuron-pick"
              >Neuron of hidden layer 1 <input id="neuron-pick" type="number" min="0" value="0"
            /></label>
            <h2 id="neuron-title">Choose a neuron</h2>
            <p id="neuron-bias" class="muted"></p>
            <div id="neuron-top" class="thumbs"></div>
            <canvas
              id="weights-diagram"
              class="diagram small"
              role="img"
              aria-label="The network diagram with the chosen neuron highlighted"
            ></canvas>
          </div>
        </div>
      </section>
      <section id="view-learn" role="tabpanel" aria-labelledby="tab-learn" class="view" hidden>
        <form id="learn-form" class="knobs">
          <label
            >Preset
            <select name="preset" aria-describedby="preset-help"></select
          ></label>
          <div class="field">
            <label
              >Hidden layers <input name="layers" pattern="[0-9 ]*" aria-describedby="layers-help"
            /></label>
            <span id="layers-help" class="field-help">sizes separated by spaces</span>
          </div>
          <label
            >Activation
            <select name="activation">
              <option>sigmoid</option>
              <option>relu</option>
            </select></label
          >
          <label
            >Cost
            <select name="cost">
              <option>quadratic</option>
              <option>cross-entropy</option>
            </select></label
          >
          <label
            >Learning rate \u03B7 <input name="learning_rate" type="number" step="any" min="0" max="100"
          /></label>
          <label
            >Momentum \u03BC <input name="momentum" type="number" step="any" min="0" max="0.999"
          /></label>
          <label
            >Schedule
            <select name="schedule">
              <option>constant</option>
              <option>cosine</option>
            </select></label
          >
          <label>Batch size <input name="batch_size" type="number" min="1" /></label>
          <label>Epochs <input name="epochs" type="number" min="1" max="100" /></label>
          <label>Seed <input name="seed" type="number" min="0" /></label>
          <div class="buttons">
            <button id="train-start" type="submit" data-testid="train-start" disabled>Start</button>
            <button id="train-stop" type="button" disabled>Stop</button>
          </div>
        </form>
        <p id="preset-help" class="muted"></p>
        <p id="train-status" class="status" aria-live="polite">Not started.</p>
        <p id="train-hint" class="warning" data-testid="train-hint" role="status" hidden></p>
        <canvas
          id="curves"
          class="curves"
          data-testid="learn-curve"
          data-points="0"
          role="img"
          aria-label="The mini-batch cost (averaged, log scale) and the accuracy after each epoch"
        ></canvas>
        <div class="table-wrap">
          <table id="epoch-table" data-testid="epoch-table" hidden>
            <thead></thead>
            <tbody></tbody>
          </table>
        </div>
        <h2>The ball on the real landscape</h2>
        <p class="muted">
          While it trains, the network's weights \u03B8 are followed on a plane through its starting
          weights \u03B8\u2080 and the way it has come: the colours are the real cost on that plane, the ball
          is the network now, its trail the way so far. The true cost is measured at its real
          weights, which lie off the plane by the distance given; when the ball nears the edge, a
          new slice is laid through the way so far.
        </p>
        <div id="learn-ball"></div>
        <form id="save-form" class="save">
          <label>Save as <input name="name" value="web-model" required maxlength="80" /></label>
          <button id="train-save" type="submit" data-testid="train-save" disabled>Save</button>
          <span id="save-status" class="muted" aria-live="polite"></span>
        </form>
        <h2>Hidden layer 1's weights, live</h2>
        <div id="learn-grids" class="grids small"></div>
      </section>
      <section
        id="view-experiments"
        role="tabpanel"
        aria-labelledby="tab-experiments"
        class="view"
        hidden
      >
        <article class="experiment">
          <h2>Noise in</h2>
          <p class="muted">
            Random pixels are not a digit, yet the network answers, often with confidence.
          </p>
          <button id="noise-run" type="button" data-testid="noise-run">
            Feed 1,000 noise images
          </button>
          <p id="noise-summary" data-testid="noise-result"></p>
          <div id="noise-thumbs" class="thumbs"></div>
        </article>
        <article class="experiment">
          <h2>Dreams</h2>
          <p class="muted">
            For each output, an input changed step by step to make that output fire: what the
            network "thinks" each digit looks like.
          </p>
          <button id="dream-run" type="button">Dream the ten digits</button>
          <p id="dream-status" class="muted" aria-live="polite"></p>
          <div id="dream-thumbs" class="thumbs"></div>
        </article>
        <article class="experiment">
          <h2>Mistakes on the test set</h2>
          <div class="buttons">
            <button id="mistakes-prev" type="button">Previous</button>
            <button id="mistakes-next" type="button">Next</button>
            <span id="mistakes-status" class="muted" aria-live="polite"></span>
          </div>
          <div id="mistakes-thumbs" class="thumbs"></div>
        </article>
      </section>
      <!-- The learning views build their own markup (js/backprop.js, gradient.js, chain.js). -->
      <!-- export:gradient -->
      <section
        id="view-gradient"
        role="tabpanel"
        aria-labelledby="tab-gradient"
        class="view"
        hidden
      ></section>
      <!-- /export:gradient -->
      <!-- export:backprop -->
      <section
        id="view-backprop"
        role="tabpanel"
        aria-labelledby="tab-backprop"
        class="view"
        hidden
      ></section>
      <!-- /export:backprop -->
      <!-- export:chain -->
      <section
        id="view-chain"
        role="tabpanel"
        aria-labelledby="tab-chain"
        class="view"
        hidden
      ></section>
      <!-- /export:chain -->
    </main>
    <script type="module" src="/static/js/app.js"><\/script>
  </body>
</html>
`;

// src/digitnet/web/static/style.css
var style_default = `/* Dark page, clear type, the story's colours: green/red weights, bright neurons. */
:root {
  --bg: #0b0f17;
  --panel: #131a26;
  --line: #2a3447;
  --text: #e6ebf5;
  --muted: #93a0b8;
  --accent: #4fc3ff;
  --gold: #ffd54a;
  --red: #f04848;
  color-scheme: dark;
}
* {
  box-sizing: border-box;
}
[hidden] {
  display: none !important; /* whatever display a class gives it */
}
body {
  margin: 0;
  background: var(--bg);
  color: var(--text);
  font:
    16px/1.45 system-ui,
    -apple-system,
    "Segoe UI",
    Roboto,
    sans-serif;
}
h1 {
  font-size: 1.3rem;
  margin: 0;
  letter-spacing: 0.02em;
}
h2 {
  font-size: 1.05rem;
  margin: 0.2rem 0 0.6rem;
}
.muted {
  color: var(--muted);
}
button,
select,
input {
  font: inherit;
  color: var(--text);
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.35rem 0.7rem;
}
button {
  cursor: pointer;
}
button:hover:not(:disabled) {
  border-color: var(--accent);
}
button:disabled {
  opacity: 0.45;
  cursor: default;
}
:focus-visible {
  outline: 2px solid var(--accent);
  outline-offset: 2px;
}

[hidden] {
  display: none !important; /* a class's display never shows what is hidden */
}
/* Words for screen readers only. */
.sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}
/* The skip link: out of sight until the keyboard reaches it. */
.skip {
  position: absolute;
  left: 0.5rem;
  top: -4rem;
  z-index: 10;
  padding: 0.5rem 0.8rem;
  background: var(--accent);
  color: #04111c;
  border-radius: 6px;
}
.skip:focus {
  top: 0.5rem;
}
main:focus {
  outline: none;
}
/* Every control at least 24 px each way (WCAG 2.5.8), sliders and boxes included. */
button,
select,
input {
  min-height: 24px;
  min-width: 24px;
}
input[type="range"] {
  height: 24px;
  padding: 0;
  border: 0;
  background: transparent;
}
@media (prefers-reduced-motion: reduce) {
  *,
  *::before,
  *::after {
    animation-duration: 0s !important;
    animation-iteration-count: 1 !important;
    transition-duration: 0s !important;
    scroll-behavior: auto !important;
  }
}

.top {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.6rem 1.2rem;
  padding: 0.7rem 1rem;
  border-bottom: 1px solid var(--line);
}
nav {
  display: flex;
  gap: 0.3rem;
  flex-wrap: wrap;
}
nav [role="tab"][aria-selected="true"] {
  background: var(--accent);
  color: #04111c;
  border-color: var(--accent);
}
.model-pick {
  margin-left: auto;
  display: flex;
  gap: 0.4rem;
  align-items: center;
  color: var(--muted);
  min-width: 0;
  max-width: 100%;
}
.model-pick select {
  min-width: 0;
  max-width: 100%;
  flex: 1 1 auto;
  text-overflow: ellipsis;
}
#model-status:empty {
  display: none;
}
.banner {
  margin: 0.8rem 1rem;
  padding: 0.6rem 0.9rem;
  background: #2a2110;
  border: 1px solid #6b5520;
  border-radius: 6px;
}
main {
  padding: 1rem;
}
.view[hidden] {
  display: none;
}

/* Draw */
.draw {
  display: grid;
  grid-template-columns: auto minmax(15rem, 19rem) minmax(0, 1fr);
  gap: 1rem 1.5rem;
  align-items: start;
}
.pad-column {
  position: relative;
}
/* Where the keyboard's pen is, shown while the pad has the focus; filled while it draws. */
.pen {
  position: absolute;
  width: 14px;
  height: 14px;
  margin: -7px 0 0 -7px;
  border: 2px solid var(--accent);
  border-radius: 50%;
  pointer-events: none;
}
.pen.down {
  background: var(--accent);
}
.pad {
  width: min(280px, 80vw);
  aspect-ratio: 1;
  border: 1px solid var(--line);
  border-radius: 6px;
  touch-action: none;
  cursor: crosshair;
  display: block;
}
.keys {
  max-width: 280px;
  margin: 0.4rem 0 0;
  font-size: 0.8rem;
}
.pad-tools {
  display: flex;
  gap: 0.8rem;
  align-items: center;
  margin-top: 0.5rem;
  font-size: 0.85rem;
}
.answer-row {
  display: flex;
  gap: 1.2rem;
  align-items: center;
}
.processed {
  margin: 0;
  text-align: center;
  font-size: 0.75rem;
  color: var(--muted);
}
.processed canvas,
.thumb canvas,
.grids canvas {
  image-rendering: pixelated;
  display: block;
}
.processed canvas {
  width: 84px;
  height: 84px;
  border: 1px solid var(--line);
  margin: 0 auto 0.2rem;
}
.label {
  color: var(--muted);
  font-size: 0.8rem;
  text-transform: uppercase;
  letter-spacing: 0.08em;
}
.answer {
  font-size: 4rem;
  line-height: 1;
  font-weight: 700;
  color: var(--gold);
  min-width: 2.5rem;
  min-height: 4rem;
}
.bars {
  display: grid;
  gap: 0.25rem;
  margin-top: 0.8rem;
  max-width: 28rem;
}
.bar {
  display: grid;
  grid-template-columns: 1.2rem 1fr 3.2rem;
  gap: 0.5rem;
  align-items: center;
  font-variant-numeric: tabular-nums;
}
.bar .track {
  height: 0.8rem;
  background: #1b2333;
  border-radius: 3px;
  overflow: hidden;
}
.bar .fill {
  display: block;
  height: 100%;
  background: #8fa3c7;
}
.bar.best .fill {
  background: var(--gold);
}
.bar.best .digit {
  color: var(--gold);
  font-weight: 700;
}
.bar .value {
  color: var(--muted);
  font-size: 0.85rem;
  text-align: right;
}
.diagram {
  width: 100%;
  height: 440px;
  border: 1px solid var(--line);
  border-radius: 6px;
  display: block;
}
.diagram.small {
  height: 300px;
  margin-top: 1rem;
}

/* Weights */
.weights-layout {
  display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 1.5rem;
}
.grids {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(76px, 1fr));
  gap: 0.5rem;
  align-content: start;
}
.grids.small {
  grid-template-columns: repeat(auto-fill, minmax(56px, 1fr));
  font-size: 0.7rem;
  color: var(--muted);
  text-align: center;
}
.grids button {
  padding: 3px;
  display: flex;
  flex-direction: column;
  align-items: center;
  gap: 2px;
  font-size: 0.75rem;
  color: var(--muted);
}
.grids button[aria-pressed="true"] {
  border-color: var(--accent);
  box-shadow: 0 0 0 2px var(--accent);
  color: var(--text);
}
.grids canvas {
  width: 100%;
  aspect-ratio: 1;
}
.grids figure {
  margin: 0;
}
.thumbs {
  display: flex;
  flex-wrap: wrap;
  gap: 0.6rem;
}
.thumb {
  margin: 0;
  font-size: 0.78rem;
  color: var(--muted);
  text-align: center;
}
.thumb canvas {
  width: 64px;
  height: 64px;
  border: 1px solid var(--line);
  margin-bottom: 0.15rem;
}
.thumb.wrong figcaption b {
  color: var(--red);
}
.open-thumb {
  padding: 2px;
  background: none;
}

/* Learn */
.knobs {
  display: flex;
  flex-wrap: wrap;
  gap: 0.7rem 1.2rem;
  align-items: start;
}
/* a knob with a hint: the hint right under its input (out of the label, so not in its name) */
.knobs .field {
  display: flex;
  flex-direction: column;
  gap: 0.2rem;
}
.knobs .field-help {
  color: var(--muted);
  font-size: 0.8rem;
}
/* the buttons line up with the inputs, under a label's height */
.knobs .buttons {
  margin-top: calc(0.85rem * 1.2 + 0.2rem);
}
.knobs label,
.save label {
  display: flex;
  flex-direction: column;
  font-size: 0.85rem;
  color: var(--muted);
  gap: 0.2rem;
}
.knobs input {
  width: 8rem;
}
.buttons {
  display: flex;
  gap: 0.5rem;
  align-items: center;
  flex-wrap: wrap;
}
.status {
  margin: 0.8rem 0;
}
.warning {
  margin: 0 0 0.8rem;
  padding: 0.4rem 0.7rem;
  border-left: 3px solid var(--gold);
  background: #2a2410;
}
#epoch-table {
  margin-top: 0.6rem;
}
.curves {
  width: 100%;
  height: 260px;
  border: 1px solid var(--line);
  border-radius: 6px;
  display: block;
}
.save {
  display: flex;
  gap: 0.7rem;
  align-items: end;
  margin: 0.8rem 0 1rem;
  flex-wrap: wrap;
}

/* Experiments */
.experiment {
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.8rem 1rem 1rem;
  margin-bottom: 1rem;
}

@media (max-width: 1100px) {
  .draw {
    grid-template-columns: auto minmax(15rem, 1fr);
  }
  .draw .diagram {
    grid-column: 1 / -1;
    height: 400px;
  }
}
@media (max-width: 700px) {
  main {
    padding: 0.6rem;
  }
  .top {
    padding: 0.5rem 0.6rem;
    gap: 0.5rem 0.8rem;
  }
  nav [role="tab"] {
    padding: 0.3rem 0.5rem;
    font-size: 0.9rem;
  }
  .draw,
  .weights-layout {
    grid-template-columns: 1fr;
  }
  .pad {
    margin: 0 auto;
  }
  .draw .diagram,
  .diagram {
    height: 300px;
  }
  .model-pick {
    margin-left: 0;
  }
  .answer {
    font-size: 3rem;
    min-height: 3rem;
  }
}
`;

// src/digitnet/web/static/chapters.css
var chapters_default = `/* The learning views: Backprop, Gradient descent, Chain rule. Same colours as style.css. */
.convention {
  margin: 0 0 0.8rem;
  padding: 0.45rem 0.8rem;
  border-left: 3px solid var(--gold);
  background: var(--panel);
  border-radius: 0 6px 6px 0;
}
.chapter-top {
  display: flex;
  flex-wrap: wrap;
  gap: 0.6rem 1.2rem;
  align-items: center;
  margin-bottom: 0.8rem;
}
.chapter-top label,
.buttons label {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem;
  align-items: center;
  max-width: 100%;
  color: var(--muted);
}
.chapter-part select,
.chapter-top select {
  max-width: 100%;
}
.example-chooser {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem;
  align-items: center;
}
.example-chooser input[type="number"] {
  width: 6.5rem;
}
.example-thumb {
  width: 56px;
  height: 56px;
  image-rendering: pixelated;
  border: 1px solid var(--line);
}
.chapter-part {
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.8rem 1rem 1rem;
  margin-bottom: 1rem;
}
.chapter-part h3 {
  font-size: 1rem;
  margin: 0.8rem 0 0.4rem;
}
.chapter-part h4,
.chapter-part h3.minor {
  font-size: 0.9rem;
  margin: 0.4rem 0;
  color: var(--muted);
  font-weight: 600;
}
.help {
  max-width: 62rem;
  margin-top: 0;
}
.chart {
  width: 100%;
  height: 240px;
  display: block;
}
.chart.short {
  height: 150px;
}
.chart-figure {
  margin: 0;
}
.chart-figure figcaption {
  font-size: 0.85rem;
  color: var(--muted);
  margin-bottom: 0.3rem;
}
.legend {
  display: flex;
  flex-wrap: wrap;
  gap: 0.2rem 0.8rem;
  font-size: 0.8rem;
  color: var(--muted);
}
.legend i,
.swatch {
  display: inline-block;
  width: 0.8rem;
  height: 0.8rem;
  border-radius: 2px;
  margin-right: 0.3rem;
  vertical-align: -0.1rem;
}
.up {
  color: #40dc78;
}
.down {
  color: var(--red);
}
.table-wrap {
  overflow-x: auto;
  max-width: 100%;
}
.table-wrap:empty {
  display: none;
}
/* A table's key column stays in view at the right while the rest scrolls under it. */
.table-wrap .key {
  position: sticky;
  right: 0;
  background: var(--panel);
  box-shadow: -8px 0 8px -6px rgb(0 0 0 / 0.8);
}
table {
  border-collapse: collapse;
  font-variant-numeric: tabular-nums;
  font-size: 0.88rem;
}
th,
td {
  padding: 0.25rem 0.55rem;
  text-align: right;
  border-bottom: 1px solid var(--line);
}
th {
  color: var(--muted);
  font-weight: 600;
}
th[scope="row"] {
  text-align: left;
  color: var(--text);
  font-weight: 500;
}
tr.total td,
tr.total th {
  border-top: 2px solid var(--muted);
  font-weight: 700;
}

/* Backprop */
.bp-cost {
  display: grid;
  grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
  align-items: start;
}
.bp-outputs {
  display: grid;
  gap: 0.15rem;
}
.bp-row {
  display: grid;
  grid-template-columns: 1.6rem minmax(4rem, 1fr) 1.6rem 4.6rem 6.4rem;
  gap: 0.5rem;
  align-items: center;
  padding: 0.1rem 0.4rem;
  text-align: right;
  font-variant-numeric: tabular-nums;
  font-size: 0.9rem;
  border-color: transparent;
  background: transparent;
}
.bp-row.head {
  color: var(--muted);
  font-size: 0.78rem;
}
.bp-row .digit {
  text-align: center;
  font-weight: 700;
}
.bp-row .track {
  height: 0.75rem;
  background: #1b2333;
  border-radius: 3px;
  overflow: hidden;
}
.bp-row .fill {
  display: block;
  height: 100%;
  background: #8fa3c7;
}
.bp-row.wanted .digit {
  color: var(--gold);
}
.bp-row.wanted .fill {
  background: var(--gold);
}
.bp-row[aria-pressed="true"] {
  border-color: var(--accent);
}
.cost-sum {
  font-weight: 600;
  margin: 0.5rem 0 0;
}
.ways {
  display: grid;
  grid-template-columns: minmax(0, 0.7fr) minmax(0, 1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
}
.ways canvas {
  cursor: pointer;
}
.sums {
  display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
}
.pairs {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(118px, 1fr));
  gap: 0.6rem;
}
.pair {
  margin: 0;
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: 3px;
  font-size: 0.75rem;
  color: var(--muted);
  text-align: center;
}
.pair canvas,
.pattern,
.chapter-part .grids canvas {
  width: 100%;
  aspect-ratio: 1;
  image-rendering: pixelated;
  display: block;
}
.pair figcaption {
  grid-column: 1 / -1;
}
.bp-step {
  display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
}
.thumb.up figcaption {
  color: #40dc78;
}
.thumb.down figcaption {
  color: var(--red);
}
.thumb.big canvas {
  width: 112px;
  height: 112px;
}
.eta {
  width: 6rem;
}
.bp-average {
  display: grid;
  grid-template-columns: minmax(0, 1fr);
  gap: 1rem;
}
.bp-average .chart {
  max-width: 40rem;
}
.averaging td {
  white-space: nowrap;
}
.averaging th[scope="row"] {
  min-width: 16rem;
  font-size: 0.8rem;
}
.averaging canvas {
  width: 36px;
  height: 36px;
  image-rendering: pixelated;
  display: block;
  margin: 0 auto 2px;
}
.averaging th {
  font-size: 0.75rem;
  text-align: center;
}
.averaging td.avg {
  font-weight: 700;
  border-left: 2px solid var(--muted);
}

/* Gradient descent */
.gd-ranked {
  display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
}
.top-list {
  margin: 0;
  padding-left: 1.4rem;
  font-size: 0.85rem;
}
.gd-landscape {
  display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
  align-items: start;
}
.landscape {
  width: 100%;
  aspect-ratio: 1;
  display: block;
  border: 1px solid var(--line);
  border-radius: 6px;
}
.landscape[hidden],
.chart[hidden] {
  display: none;
}

/* Chain rule */
.chain-top {
  display: grid;
  grid-template-columns: minmax(16rem, 0.8fr) minmax(0, 1.2fr);
  gap: 1rem 1.5rem;
}
.knob-grid {
  display: grid;
  gap: 0.35rem;
}
.knob-grid label {
  display: grid;
  grid-template-columns: 5.5rem minmax(0, 1fr) 3.4rem;
  gap: 0.5rem;
  align-items: center;
  font-variant-numeric: tabular-nums;
}
.knob-grid output {
  text-align: right;
}
.chain-picture {
  width: 100%;
  height: 110px;
  display: block;
}
.chain-picture.tall {
  height: 280px; /* chainPictureLayout's column */
}
.number-lines {
  width: 100%;
  height: 260px;
  display: block;
}
.derivatives th:nth-child(2),
.derivatives td:nth-child(2) {
  text-align: left;
  color: var(--muted);
}
.derivatives .product,
.derivatives .fd {
  font-weight: 600;
}
.grow {
  flex: 1;
  min-width: 12rem;
}
.grow input[type="range"] {
  flex: 1;
}
.chain-real {
  display: grid;
  grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
  gap: 1rem 1.5rem;
  align-items: start;
}
.formula p {
  margin: 0.3rem 0;
  font-variant-numeric: tabular-nums;
}
.formula .verdict {
  font-weight: 600;
}
.paths td.up,
.paths td.down {
  font-weight: 600;
}
.buttons input[type="number"] {
  width: 5.5rem;
}

@media (max-width: 900px) {
  .bp-cost,
  .ways,
  .sums,
  .bp-step,
  .bp-average,
  .gd-ranked,
  .gd-landscape,
  .chain-top,
  .chain-real {
    grid-template-columns: minmax(0, 1fr);
  }
  .averaging th[scope="row"] {
    min-width: 9rem;
  }
  /* the shares table fits a phone's width whole: nothing under its pinned key column */
  .shares th,
  .shares td {
    padding-inline: 0.3rem;
  }
  .bp-row {
    grid-template-columns: 1.4rem minmax(3rem, 1fr) 1.2rem 4rem 5.6rem;
    gap: 0.3rem;
    font-size: 0.82rem;
  }
}
.verdict {
  display: grid;
  grid-template-columns: max-content max-content;
  gap: 0.1rem 1rem;
  margin: 0.5rem 0;
  font-variant-numeric: tabular-nums;
}
.verdict dt {
  color: var(--muted);
}
.verdict dd {
  margin: 0;
  font-weight: 600;
  text-align: right;
}

/* The Story tab (js/story.js): one scene at a time, built for 390 px first. */
.story-example-summary {
  padding: 0.3rem 0;
  margin-bottom: 0.5rem;
  color: var(--muted);
  cursor: pointer;
}
@media (min-width: 601px) {
  .story-example[open] > .story-example-summary {
    display: none; /* the chooser itself says what is studied */
  }
}
@media (max-width: 600px) {
  .story .story-strip {
    flex-wrap: nowrap; /* one row, scrolled to the scene (story.js) */
    overflow-x: auto;
    position: relative;
    padding-bottom: 0.2rem;
  }
  .story .story-scene {
    display: flex;
    flex-direction: column; /* the title, then the picture, then the words */
  }
  .story .story-words {
    order: 1;
  }
  .story .story-controls {
    order: 2;
  }
}
.story-strip {
  display: flex;
  flex-wrap: wrap;
  gap: 0.3rem;
  list-style: none;
  padding: 0;
  margin: 0 0 0.8rem;
}
.story-strip li.chapter-start:not(:first-child) {
  margin-left: 0.6rem;
}
.story-strip a {
  display: inline-block;
  min-width: 1.9rem;
  padding: 0.25rem 0;
  text-align: center;
  border: 1px solid var(--line);
  border-radius: 4px;
  color: var(--muted);
  text-decoration: none;
}
.story-strip a[aria-current="step"] {
  background: var(--gold);
  border-color: var(--gold);
  color: #0b0f17;
  font-weight: 700;
}
.story-scene {
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.8rem 1rem 1rem;
  max-width: 60rem;
}
.story-where {
  margin: 0;
  font-size: 0.85rem;
}
.story-title {
  margin: 0.2rem 0 0.4rem;
}
.story-words {
  max-width: 44rem;
  line-height: 1.45;
  min-height: 4.4em;
}
.story-canvas {
  display: block;
  width: 100%;
  height: 300px;
}
.story-canvas.story-net {
  height: 340px;
}
.story-canvas.story-bars {
  height: 200px;
}
.story-grids {
  display: flex;
  flex-wrap: wrap;
  gap: 0.8rem;
}
.story-grids figure {
  margin: 0;
}
.story-grids figcaption {
  font-size: 0.85rem;
  color: var(--muted);
}
.story-grid {
  width: 112px;
  height: 112px;
  image-rendering: pixelated;
  border: 1px solid var(--line);
}
.story-sum {
  font-family: ui-monospace, monospace;
  min-height: 1.5em;
}
.story-controls {
  display: flex;
  flex-wrap: wrap;
  gap: 0.5rem;
  align-items: center;
  margin-top: 0.8rem;
}
.story-controls button {
  min-height: 2rem;
}
.story-table {
  border-collapse: collapse;
  font-size: 0.85rem;
}
.story-table caption {
  text-align: left;
  color: var(--muted);
}
.story-table th,
.story-table td {
  padding: 0.15rem 0.6rem;
  text-align: right;
  border-bottom: 1px solid var(--line);
}
.story-offline {
  border-left: 3px solid var(--gold);
  padding-left: 0.6rem;
}
@media (min-width: 900px) {
  .story-canvas.story-net {
    height: 400px;
  }
}
.story-thumbs {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem;
  margin-top: 0.6rem;
}
.story-thumbs > p {
  flex-basis: 100%;
  margin: 0;
}
.story-thumbs figure {
  margin: 0;
  text-align: center;
  font-size: 0.8rem;
}
.story-thumbs figcaption {
  font-size: 0.72rem; /* a number no wider than its 42 px thumbnail */
}
.story-thumb {
  display: block;
  width: 42px;
  height: 42px;
  image-rendering: pixelated;
  border: 1px solid var(--line);
}
.story-thumbs figure.yours .story-thumb {
  border: 2px solid var(--gold);
}
.story-thumbs .worse {
  color: #ff8a8a;
}
.story-thumbs .better {
  color: #6ee89a;
}
.story-table td {
  white-space: nowrap;
}
.story-table td:first-child {
  white-space: normal;
  min-width: 8rem;
  text-align: left;
}
.story-table caption {
  white-space: normal;
  position: sticky;
  left: 0;
  max-width: calc(100vw - 4rem);
}
.story-table tr.on td {
  color: var(--gold);
}
.story-picks {
  display: flex;
  flex-wrap: wrap;
  gap: 0.3rem;
}
.story-picks button[aria-pressed="true"] {
  border-color: var(--gold);
  color: var(--gold);
}
.story-pick {
  display: flex;
  flex-wrap: wrap;
  gap: 0.4rem;
  align-items: center;
  margin-bottom: 0.4rem;
}
.story-pick select {
  max-width: 100%;
}
.story-tree svg {
  display: block;
  width: 100%;
  max-width: 420px;
  margin-top: 0.6rem;
}
.chain-tree .tree-node rect {
  fill: var(--bg);
  stroke: var(--line);
}
.chain-tree .tree-node text {
  fill: var(--text);
  font-size: 13px;
}
.chain-tree .tree-node.on rect {
  stroke: var(--gold);
  stroke-width: 2.5;
}
.chain-tree .tree-edge {
  stroke: #56617a;
  stroke-width: 1.5;
}
.chain-tree .tree-edge.on {
  stroke: var(--gold);
  stroke-width: 3.5;
}
.story-formula {
  font-family: ui-monospace, monospace;
  font-size: 0.9rem;
  overflow-wrap: anywhere;
}
.story-formula .factor.on {
  color: var(--gold);
  font-weight: 700;
}
.story-canvas.story-chain {
  height: 220px;
}
.story-canvas.story-stack {
  height: 320px;
}
.label-counts table {
  border-collapse: collapse;
  font-size: 0.85rem;
}
.label-counts th,
.label-counts td {
  padding: 0.1rem 0.35rem;
  text-align: center;
  vertical-align: bottom;
}
.label-counts .bar {
  display: block;
  width: 0.7rem;
  margin: 0 auto 0.15rem;
  background: #9aa5b8;
}
.overshoot {
  color: #f0a060;
}
/* the ball on the real landscape (landscape-ball.js): a square slice, DOM balls over it */
.ball-view {
  max-width: 520px;
}
.ball-stage {
  position: relative;
  max-width: 520px;
}
.ball-canvas {
  display: block;
  width: 100%;
  aspect-ratio: 1;
}
.ball {
  position: absolute;
  left: 0;
  top: 0;
  width: 14px;
  height: 14px;
  margin: -7px 0 0 -7px;
  border-radius: 50%;
  border: 2px solid #0b0f17;
  box-shadow: 0 0 0 1px #ffffff;
  pointer-events: none;
  transition: transform 80ms linear;
}
.ball[hidden] {
  display: none;
}
.ball-facts {
  font-size: 0.9rem;
}
.race-facts {
  padding-left: 1.1rem;
}
@media (prefers-reduced-motion: reduce) {
  .ball {
    transition: none;
  }
}
`;

// src/digitnet/web/static/js/network.js
function decodeFloats(b64, dtype = "float32") {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return dtype === "float64" ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
}
function decodeModel(json) {
  const decode = (b64) => decodeFloats(b64, json.dtype);
  return { ...json, weights: json.weights.map(decode), biases: json.biases.map(decode) };
}
var sigmoid = (z) => z.map((v) => 0.5 + 0.5 * Math.tanh(v / 2));
var relu = (z) => z.map((v) => Math.max(v, 0));
function softmax(z) {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total2 = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total2);
}
function forward(model, x) {
  const { sizes } = model;
  const last = sizes.length - 2;
  const activations = [];
  let a = x;
  for (let l = 0; l <= last; l++) {
    const W = model.weights[l];
    const b = model.biases[l];
    const nIn = sizes[l];
    const z = new Float64Array(sizes[l + 1]);
    for (let j = 0; j < z.length; j++) {
      let s = b[j];
      for (let i = 0, row = j * nIn; i < nIn; i++) s += W[row + i] * a[i];
      z[j] = s;
    }
    if (l < last) a = model.activation === "relu" ? relu(z) : sigmoid(z);
    else a = model.cost === "cross-entropy" ? softmax(z) : sigmoid(z);
    activations.push(a);
  }
  return activations;
}
function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
function countParams(sizes) {
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += sizes[l] * sizes[l - 1] + sizes[l];
  return n;
}

// src/digitnet/web/static/js/constants.js
var SIDE = 28;
var PIXELS = SIDE * SIDE;
var DIGITS = 10;
var PAD = 280;
var FIRST_LAYER_SHOWN = 16;

// src/digitnet/web/static/js/normalize.js
var BOX = 20;
var INK_THRESHOLD = 0.1;
var MIN_CONTRAST = 0.1;
var COARSE = 100;
function toMnist(gray2, height, width, invert = null) {
  let g = Float64Array.from(gray2);
  if (invert === null) invert = median(border(g, height, width)) > 0.5;
  if (invert) for (let i = 0; i < g.length; i++) g[i] = 1 - g[i];
  const ink = removePaper(g, height, width);
  const blank = new Float32Array(PIXELS);
  if (maxOf(ink) < MIN_CONTRAST) return blank;
  const digit = fitBox(cropToInk({ data: ink, h: height, w: width }));
  const mass = sumOf(digit.data);
  if (mass <= 0) return blank;
  const canvas = centreByMass(digit, mass);
  const top = maxOf(canvas);
  return Float32Array.from(canvas, (v) => v / top);
}
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
function maxOf(a) {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}
function sumOf(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
function median(values) {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
function border(a, h, w) {
  const out = [];
  for (let c = 0; c < w; c++) out.push(a[c]);
  for (let c = 0; c < w; c++) out.push(a[(h - 1) * w + c]);
  for (let r = 0; r < h; r++) out.push(a[r * w]);
  for (let r = 0; r < h; r++) out.push(a[r * w + w - 1]);
  return out;
}
function removePaper(ink, h, w) {
  const b = border(ink, h, w);
  const level = median(b);
  const noise = 1.4826 * median(b.map((v) => Math.abs(v - level)));
  const out = new Float64Array(ink.length);
  for (let i = 0; i < ink.length; i++) {
    const v = ink[i] - level - 3 * noise;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}
function reduce(img, k) {
  if (k === 1) return { data: Float32Array.from(img.data), h: img.h, w: img.w };
  const h = Math.ceil(img.h / k);
  const w = Math.ceil(img.w / k);
  const out = new Float32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      let n = 0;
      for (let y = r * k; y < Math.min((r + 1) * k, img.h); y++) {
        for (let x = c * k; x < Math.min((c + 1) * k, img.w); x++) {
          s += Math.fround(img.data[y * img.w + x]);
          n++;
        }
      }
      out[r * w + c] = s / n;
    }
  }
  return { data: out, h, w };
}
function inkSpan(img, float32) {
  const top = maxOf(img.data);
  const t = float32 ? Math.fround(Math.fround(INK_THRESHOLD) * top) : INK_THRESHOLD * top;
  let r0 = img.h;
  let r1 = -1;
  let c0 = img.w;
  let c1 = -1;
  for (let r = 0; r < img.h; r++) {
    const row = r * img.w;
    for (let c = 0; c < img.w; c++) {
      if (img.data[row + c] > t) {
        if (r < r0) r0 = r;
        r1 = r;
        if (c < c0) c0 = c;
        if (c > c1) c1 = c;
      }
    }
  }
  return [r0, r1, c0, c1];
}
function slice(img, r0, r1, c0, c1) {
  r1 = Math.min(r1, img.h);
  c1 = Math.min(c1, img.w);
  const h = r1 - r0;
  const w = c1 - c0;
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) out[r * w + c] = img.data[(r + r0) * img.w + c + c0];
  }
  return { data: out, h, w };
}
function cropToInk(ink) {
  const k = Math.max(1, Math.floor(Math.max(ink.h, ink.w) / COARSE));
  let [r0, r1, c0, c1] = inkSpan(reduce(ink, k), true);
  const box = slice(ink, r0 * k, (r1 + 1) * k, c0 * k, (c1 + 1) * k);
  [r0, r1, c0, c1] = inkSpan(box, false);
  return slice(box, r0, r1 + 1, c0, c1 + 1);
}
function fitBox(box) {
  const scale = BOX / Math.max(box.h, box.w);
  const w = Math.max(1, roundHalfEven(box.w * scale));
  const h = Math.max(1, roundHalfEven(box.h * scale));
  const small = lanczosResize({ data: Float32Array.from(box.data), h: box.h, w: box.w }, h, w);
  return { data: Float64Array.from(small.data, (v) => Math.min(Math.max(v, 0), 1)), h, w };
}
function lanczos(x) {
  const sinc = (t) => t === 0 ? 1 : Math.sin(t * Math.PI) / (t * Math.PI);
  return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}
function coefficients(inSize, outSize) {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 3 * filterscale;
  const result = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const k = new Float64Array(xmax);
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      k[x] = lanczos((x + xmin - center + 0.5) * ss);
      ww += k[x];
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) k[x] /= ww;
    result.push({ xmin, k });
  }
  return result;
}
function lanczosResize(img, outH, outW) {
  let cur = img;
  if (outW !== cur.w) {
    const co = coefficients(cur.w, outW);
    const out = new Float32Array(cur.h * outW);
    for (let y = 0; y < cur.h; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const { xmin, k } = co[xx];
        let s = 0;
        for (let x = 0; x < k.length; x++) s += cur.data[y * cur.w + x + xmin] * k[x];
        out[y * outW + xx] = s;
      }
    }
    cur = { data: out, h: cur.h, w: outW };
  }
  if (outH !== cur.h) {
    const co = coefficients(cur.h, outH);
    const out = new Float32Array(outH * cur.w);
    for (let yy = 0; yy < outH; yy++) {
      const { xmin, k } = co[yy];
      for (let x = 0; x < cur.w; x++) {
        let s = 0;
        for (let y = 0; y < k.length; y++) s += cur.data[(y + xmin) * cur.w + x] * k[y];
        out[yy * cur.w + x] = s;
      }
    }
    cur = { data: out, h: outH, w: cur.w };
  }
  return cur;
}
function centreByMass(digit, mass) {
  const { h, w, data } = digit;
  let cy = 0;
  let cx = 0;
  for (let r = 0; r < h; r++) {
    let row = 0;
    for (let c = 0; c < w; c++) row += data[r * w + c];
    cy += row * r;
  }
  for (let c = 0; c < w; c++) {
    let col = 0;
    for (let r = 0; r < h; r++) col += data[r * w + c];
    cx += col * c;
  }
  cy /= mass;
  cx /= mass;
  const top = Math.min(Math.max(roundHalfEven(SIDE / 2 - cy), 0), SIDE - h);
  const left = Math.min(Math.max(roundHalfEven(SIDE / 2 - cx), 0), SIDE - w);
  const canvas = new Float64Array(PIXELS);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) canvas[(r + top) * SIDE + c + left] = data[r * w + c];
  }
  return canvas;
}

// src/digitnet/web/static/js/render.js
var GREEN = [64, 220, 120];
var RED = [240, 72, 72];
function sharpCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return null;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return paper({ ctx, width, height });
}
function paper(sized) {
  sized.ctx.fillStyle = "#0b0f17";
  sized.ctx.fillRect(0, 0, sized.width, sized.height);
  return sized;
}
function drawGray(canvas, values, scale = 1) {
  if (canvas.width !== SIDE || canvas.height !== SIDE) {
    canvas.width = SIDE;
    canvas.height = SIDE;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(SIDE, SIDE);
  const rgba = img.data;
  for (let i = 0; i < PIXELS; i++) {
    const v = Math.round(Math.min(Math.max(values[i] / scale, 0), 1) * 255);
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
    rgba[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// src/digitnet/web/static/js/diagram.js
var TOP_EDGES = 8;
var MAX_DISCS = 20;
var SUMMARY = 16;
function shownNeurons(n, wanted = [], most = MAX_DISCS) {
  if (n <= most) return range(n);
  const must = [...new Set(wanted.filter((j) => j >= 0 && j < n))].slice(0, most);
  const shown = new Set(must);
  for (let j = 0; shown.size < most; j++) shown.add(j);
  return [...shown].sort((a, b) => a - b);
}
var Diagram = class {
  constructor(canvas) {
    this.canvas = canvas;
    this.model = null;
    this.input = new Float32Array(PIXELS);
    this.activations = null;
    this.highlight = null;
    this.pickedEdge = null;
    this.values = null;
    this.sized = null;
    new ResizeObserver(() => {
      this.sized = null;
      this.draw();
    }).observe(canvas);
  }
  setModel(model) {
    this.model = model;
    this.activations = null;
    this.highlight = null;
    this.pickedEdge = null;
    this.values = null;
    this.input = new Float32Array(model.sizes[0]);
    this.choose();
  }
  update(input, activations) {
    this.input = input;
    this.activations = activations;
    this.draw();
  }
  setHighlight(layer, neuron2) {
    this.highlight = { layer, neuron: neuron2 };
    this.choose();
  }
  /** The neurons shown in each layer (index 0: the input, null) and each shown neuron's
   * strongest incoming edges by |value|: edges[l] = [{to, incoming: [[from, value]…]}]. */
  choose() {
    if (!this.model) return;
    const { sizes } = this.model;
    const wanted = (l) => {
      const found = [];
      const h = this.highlight;
      const e = this.pickedEdge;
      if (h && h.layer === l) found.push(h.neuron);
      if (e && e.layer === l) found.push(e.to);
      if (e && e.layer - 1 === l) found.push(e.from);
      return found;
    };
    this.shown = sizes.map((n, l) => l === 0 ? null : shownNeurons(n, wanted(l)));
    const values = this.values ?? this.model.weights;
    this.edges = values.map((V, l) => {
      const nIn = sizes[l];
      const sources = l === 0 ? range(nIn) : this.shown[l];
      return this.shown[l + 1].map((j) => {
        const row = sources.map((i) => [i, V[j * nIn + i]]);
        row.sort((p, q) => Math.abs(q[1]) - Math.abs(p[1]));
        const incoming = row.slice(0, TOP_EDGES);
        const e = this.pickedEdge;
        if (e && e.layer === l + 1 && e.to === j && !incoming.some(([i]) => i === e.from))
          incoming.push([e.from, V[j * nIn + e.from]]);
        return { to: j, incoming };
      });
    });
    this.maxAbs = this.edges.map(
      (layer) => Math.max(1e-12, ...layer.flatMap((t) => t.incoming.map(([, w]) => Math.abs(w))))
    );
    this.draw();
  }
  /** Positions: the input grid, a Map neuron → disc per column, pixel(i), at(l, j). */
  layout(width, height) {
    const sizes = this.model.sizes;
    const pad = 16;
    const grid = Math.min(height - 2 * pad, width * 0.3);
    const cell = grid / SIDE;
    const gx = pad;
    const gy = (height - grid) / 2;
    const cols = sizes.length - 1;
    const left = gx + grid + width * 0.08;
    const right = width - pad - 28;
    const columns = [];
    for (let l = 1; l <= cols; l++) {
      const x = cols === 1 ? right : left + (right - left) * (l - 1) / (cols - 1);
      const shown = this.shown[l];
      const room = height - 2 * pad - (shown.length < sizes[l] ? SUMMARY : 0);
      const step2 = room / shown.length;
      const radius = Math.max(2, Math.min(11, step2 * 0.38));
      columns.push(new Map(shown.map((j, n) => [j, { x, y: pad + step2 * (n + 0.5), r: radius }])));
    }
    const pixel = (i) => ({
      x: gx + (i % SIDE + 0.5) * cell,
      y: gy + (Math.floor(i / SIDE) + 0.5) * cell
    });
    const at = (l, j) => l === 0 ? pixel(j) : columns[l - 1].get(j);
    return { grid: { x: gx, y: gy, size: grid, cell }, columns, pixel, at, pad };
  }
  draw() {
    this.sized ??= sharpCanvas(this.canvas);
    if (!this.sized) return;
    const { ctx, width, height } = paper(this.sized);
    if (!this.model) return;
    const geo = this.layout(width, height);
    const scales = this.activations ? this.scales() : null;
    const value2 = (l, j) => l === 0 ? this.input[j] || 0 : this.activations[l - 1][j] / scales[l - 1];
    this.edges.forEach((layer, l) => {
      for (const { to: j, incoming } of layer) {
        const to = geo.at(l + 1, j);
        const lit = this.highlight && this.highlight.layer === l + 1 && this.highlight.neuron === j;
        for (const [i, w] of incoming) {
          const from = geo.at(l, i);
          const strength = Math.abs(w) / this.maxAbs[l];
          const signal = this.activations ? 0.15 + 0.85 * Math.min(1, value2(l, i)) : 0.4;
          const [r, g, b] = w >= 0 ? GREEN : RED;
          ctx.strokeStyle = `rgba(${r},${g},${b},${lit ? 0.95 : 0.12 + 0.6 * signal * strength})`;
          ctx.lineWidth = (lit ? 1.5 : 0.4) + 2.2 * strength;
          ctx.beginPath();
          ctx.moveTo(from.x, from.y);
          ctx.lineTo(to.x, to.y);
          ctx.stroke();
        }
      }
    });
    const { grid } = geo;
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(Math.min(1, Math.max(0, this.input[i] || 0)) * 255);
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      const p = geo.pixel(i);
      ctx.fillRect(p.x - grid.cell / 2, p.y - grid.cell / 2, grid.cell - 0.3, grid.cell - 0.3);
    }
    ctx.strokeStyle = "#3a4660";
    ctx.lineWidth = 1;
    ctx.strokeRect(grid.x - 0.5, grid.y - 0.5, grid.size + 1, grid.size + 1);
    const outputs = this.model.sizes.length - 1;
    const answer2 = this.activations ? argmax(this.activations[outputs - 1]) : -1;
    ctx.textBaseline = "middle";
    geo.columns.forEach((column, c) => {
      const l = c + 1;
      const shown = this.shown[l];
      for (const [n, j] of shown.entries()) {
        const disc = column.get(j);
        const v = this.activations ? Math.min(1, value2(l, j)) : 0;
        ctx.beginPath();
        ctx.arc(disc.x, disc.y, disc.r, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
        ctx.fill();
        const lit = this.highlight && this.highlight.layer === l && this.highlight.neuron === j;
        ctx.lineWidth = lit || l === outputs && j === answer2 ? 2.5 : 1;
        ctx.strokeStyle = lit ? "#4fc3ff" : l === outputs && j === answer2 ? "#ffd54a" : "#56617a";
        ctx.stroke();
        ctx.font = `${Math.max(10, Math.min(14, disc.r * 1.3))}px system-ui, sans-serif`;
        if (l === outputs) {
          ctx.textAlign = "left";
          ctx.fillStyle = j === answer2 ? "#ffd54a" : "#c8d0e0";
          ctx.fillText(String(j), disc.x + disc.r + 6, disc.y);
        } else if (j !== n) {
          ctx.textAlign = "right";
          ctx.fillStyle = "#c8d0e0";
          ctx.fillText(`#${j}`, disc.x - disc.r - 3, disc.y);
        }
      }
      const more = this.model.sizes[l] - shown.length;
      if (more > 0) {
        const x = column.get(shown[0]).x;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.fillStyle = "#93a0b8";
        ctx.fillText(`+${more.toLocaleString()} more`, x, height - geo.pad - SUMMARY / 2 + 4);
      }
    });
    ctx.textAlign = "left";
    ctx.textBaseline = "alphabetic";
  }
  // What each layer's activations are divided by to lie in [0, 1], once per draw: a ReLU hidden
  // layer's largest (at least 1), else 1.
  scales() {
    const last = this.activations.length - 1;
    const relu2 = this.model.activation === "relu";
    return this.activations.map((a, k) => relu2 && k < last ? Math.max(1, ...a) : 1);
  }
};
function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}

// src/digitnet/web/static/js/draw.js
var PEN = 20;
var KEY_STEP = 14;
var TIMES_KEPT = 500;
var DrawView = class {
  constructor(root) {
    this.pad = root.querySelector("#pad");
    this.processed = root.querySelector("#processed");
    this.answer = root.querySelector("#answer");
    this.bars = root.querySelector("#bars");
    this.timing = root.querySelector("#timing");
    if (this.timing) this.timing.hidden = !new URLSearchParams(location.search).has("debug");
    this.diagram = new Diagram(root.querySelector("#diagram"));
    this.model = null;
    this.given = null;
    this.hint = root.querySelector(".hint");
    this.hintText = this.hint ? this.hint.textContent : "";
    this.pending = null;
    this.latencies = [];
    this.work = [];
    this.listeners = [];
    this.pad.width = PAD;
    this.pad.height = PAD;
    this.ctx = this.pad.getContext("2d", { willReadFrequently: true });
    this.clear();
    this.listen();
    root.querySelector("#clear").addEventListener("click", () => this.clear());
  }
  setModel(model) {
    this.model = model;
    this.diagram.setModel(model);
    this.update();
  }
  onResult(listener) {
    this.listeners.push(listener);
  }
  clear() {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, PAD, PAD);
    this.ink = false;
    this.open(null, this.hintText);
  }
  // An MNIST image (784 values 0–255, e.g. a test image the network got wrong) as the input,
  // exactly; the pad shows it enlarged, and drawing on it makes it a drawing like any other.
  showImage(values, note) {
    const x = Float32Array.from(values, (v) => v / 255);
    const small = document.createElement("canvas");
    drawGray(small, x);
    this.ctx.drawImage(small, 0, 0, PAD, PAD);
    this.ink = true;
    this.open(x, note);
  }
  open(x, note) {
    this.given = x;
    if (this.hint) this.hint.textContent = note;
    this.update();
  }
  listen() {
    let last = null;
    const point = (e) => {
      const rect = this.pad.getBoundingClientRect();
      return [
        (e.clientX - rect.left) * PAD / rect.width,
        (e.clientY - rect.top) * PAD / rect.height
      ];
    };
    const stroke2 = (from, to) => {
      const { ctx } = this;
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = PEN;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(...from);
      ctx.lineTo(...to);
      ctx.stroke();
      this.ink = true;
      this.given = null;
    };
    this.pad.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      this.pad.setPointerCapture(e.pointerId);
      last = point(e);
      stroke2(last, last);
      this.schedule(e.timeStamp);
    });
    this.pad.addEventListener("pointermove", (e) => {
      if (last === null) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const ev of events.length ? events : [e]) {
        const p = point(ev);
        stroke2(last, p);
        last = p;
      }
      this.schedule(e.timeStamp);
    });
    const end = () => {
      last = null;
    };
    this.pad.addEventListener("pointerup", end);
    this.pad.addEventListener("pointercancel", end);
    this.listenToKeys(stroke2);
  }
  // The keyboard's pen: arrows move it (Shift: finer), Space lowers or lifts it (a dot where it
  // lands, a line as it moves while down), Delete, Backspace or Escape clears the pad.
  listenToKeys(stroke2) {
    const pen = this.pad.parentElement.querySelector(".pen");
    if (!pen) return;
    let at = [PAD / 2, PAD / 2];
    let down = false;
    const show = () => {
      pen.hidden = document.activeElement !== this.pad;
      pen.classList.toggle("down", down);
      pen.style.left = `${this.pad.offsetLeft + at[0] / PAD * this.pad.offsetWidth}px`;
      pen.style.top = `${this.pad.offsetTop + at[1] / PAD * this.pad.offsetHeight}px`;
    };
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    this.pad.addEventListener("keydown", (e) => {
      if (e.key in moves) {
        const step2 = e.shiftKey ? KEY_STEP / 4 : KEY_STEP;
        const [dx, dy] = moves[e.key];
        const to = [onPad(at[0] + dx * step2), onPad(at[1] + dy * step2)];
        if (down) stroke2(at, to);
        at = to;
      } else if (e.key === " ") {
        down = !down;
        if (down) stroke2(at, at);
      } else if (["Delete", "Backspace", "Escape"].includes(e.key)) {
        down = false;
        this.clear();
      } else return;
      e.preventDefault();
      show();
      if (down) this.schedule(e.timeStamp);
    });
    this.pad.addEventListener("focus", show);
    this.pad.addEventListener("blur", () => {
      down = false;
      show();
    });
  }
  // One update per frame at most: strokes arriving meanwhile are shown together.
  schedule(timeStamp) {
    if (this.pending !== null) return;
    this.pending = timeStamp;
    requestAnimationFrame(() => {
      const started = performance.now();
      this.update();
      const now = performance.now();
      const ms = now - this.pending;
      this.pending = null;
      keep(this.work, now - started);
      keep(this.latencies, ms);
      if (this.timing) this.timing.textContent = `stroke \u2192 update: ${ms.toFixed(1)} ms`;
    });
  }
  pixels() {
    const rgba = this.ctx.getImageData(0, 0, PAD, PAD).data;
    const gray2 = new Float64Array(PAD * PAD);
    for (let i = 0; i < gray2.length; i++) gray2[i] = rgba[4 * i] / 255;
    return gray2;
  }
  update() {
    if (!this.model) return;
    const x = this.given ?? (this.ink ? toMnist(this.pixels(), PAD, PAD) : new Float32Array(PIXELS));
    const blank = !x.some((v) => v > 0);
    drawGray(this.processed, x);
    if (blank) {
      this.answer.textContent = "";
      this.bars.replaceChildren();
      this.diagram.update(x, null);
      this.listeners.forEach((f) => f(x, null));
      return;
    }
    const activations = forward(this.model, x);
    const outputs = activations[activations.length - 1];
    this.answer.textContent = String(argmax(outputs));
    this.showBars(outputs);
    this.diagram.update(x, activations);
    this.listeners.forEach((f) => f(x, activations));
  }
  showBars(outputs) {
    if (this.bars.children.length !== DIGITS) this.bars.replaceChildren(...newBars());
    const best = argmax(outputs);
    Array.from(this.bars.children).forEach((bar, d) => {
      const v = outputs[d];
      bar.dataset.value = v.toFixed(6);
      bar.classList.toggle("best", d === best);
      bar.querySelector(".fill").style.width = `${(100 * Math.min(1, Math.max(0, v))).toFixed(1)}%`;
      bar.querySelector(".value").textContent = v.toFixed(3);
      bar.setAttribute("aria-label", `output ${d}: ${v.toFixed(3)}`);
    });
  }
};
function newBars() {
  const span = (className, ...children) => {
    const s = document.createElement("span");
    s.className = className;
    s.append(...children);
    return s;
  };
  return Array.from({ length: DIGITS }, (_, d) => {
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.dataset.testid = "output-bar";
    bar.dataset.digit = String(d);
    bar.append(span("digit", String(d)), span("track", span("fill")), span("value"));
    return bar;
  });
}
var onPad = (v) => Math.min(PAD, Math.max(0, v));
function keep(times, ms) {
  times.push(ms);
  if (times.length > TIMES_KEPT) times.shift();
}

// src/digitnet/web/static/js/api.js
var TOKEN_KEY = "digitnet-token";
function takeToken() {
  const url = new URL(window.location.href);
  const given = url.searchParams.get("token");
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    url.searchParams.delete("token");
    window.history.replaceState(null, "", url);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}
var token;
async function api(path, options = {}) {
  if (token === void 0) token = takeToken();
  const headers = { "Content-Type": "application/json" };
  if (token) headers["X-Digitnet-Token"] = token;
  const init = { ...options, headers };
  const changes = ["POST", "PUT"].includes((options.method || "GET").toUpperCase());
  if (options.body !== void 0 || changes) init.body = JSON.stringify(options.body ?? {});
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(payload.detail || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}

// src/digitnet/web/static/js/backprop-math.js
function costName(model) {
  return model.cost === "cross-entropy" ? "cross-entropy C = \u2212\u03A3\u2C7C y\u2C7C ln a\u2C7C on softmax outputs" : "quadratic C = \u03A3\u2C7C (a\u2C7C \u2212 y\u2C7C)\xB2, the video's cost (no \xBD)";
}
var isSigmoid = (model) => model.activation !== "relu";
var logistic = (z) => 0.5 + 0.5 * Math.tanh(z / 2);
function hiddenPrime(model, z, a) {
  return isSigmoid(model) ? a - a * a : z > 0 ? 1 : 0;
}
function oneHot(label, n = DIGITS) {
  const y = new Float64Array(n);
  y[label] = 1;
  return y;
}
function forwardAll(model, x) {
  const { sizes } = model;
  const last = sizes.length - 2;
  const zs = [];
  const activations = [Float64Array.from(x)];
  for (let l = 0; l <= last; l++) {
    const W = model.weights[l];
    const b = model.biases[l];
    const nIn = sizes[l];
    const prev = activations[l];
    const z = new Float64Array(sizes[l + 1]);
    for (let j = 0; j < z.length; j++) {
      let s = b[j];
      for (let k = 0, row = j * nIn; k < nIn; k++) s += W[row + k] * prev[k];
      z[j] = s;
    }
    let a;
    if (l < last && !isSigmoid(model)) a = z.map((v) => Math.max(v, 0));
    else if (l === last && model.cost === "cross-entropy") a = softmax64(z);
    else a = z.map(logistic);
    zs.push(z);
    activations.push(a);
  }
  return { zs, activations };
}
function softmax64(z) {
  let top = -Infinity;
  for (const v of z) top = Math.max(top, v);
  const e = z.map((v) => Math.exp(v - top));
  const total2 = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total2);
}
function costTerms(model, a, y) {
  if (model.cost === "cross-entropy") {
    return a.map((v, j) => y[j] ? -y[j] * Math.log(Math.max(v, Number.MIN_VALUE)) : 0);
  }
  return a.map((v, j) => (v - y[j]) ** 2);
}
function outputCost(model, z, label) {
  const a = model.cost === "cross-entropy" ? softmax64(z) : z.map(logistic);
  return costTerms(model, a, oneHot(label, a.length)).reduce((s, v) => s + v, 0);
}
function exampleCost(model, x, label) {
  const { activations } = forwardAll(model, x);
  const a = activations[activations.length - 1];
  return costTerms(model, a, oneHot(label, a.length)).reduce((s, v) => s + v, 0);
}
function backprop(model, x, label) {
  const { sizes } = model;
  const L = sizes.length - 1;
  const { zs, activations } = forwardAll(model, x);
  const a = activations[L];
  const y = oneHot(label, a.length);
  const terms = costTerms(model, a, y);
  const dC_da = new Array(L);
  const deltas = new Array(L);
  const contributions = new Array(L - 1);
  if (model.cost === "cross-entropy") {
    dC_da[L - 1] = a.map((v, j) => y[j] ? -y[j] / Math.max(v, Number.MIN_VALUE) : 0);
    deltas[L - 1] = a.map((v, j) => v - y[j]);
  } else {
    dC_da[L - 1] = a.map((v, j) => 2 * (v - y[j]));
    deltas[L - 1] = a.map((v, j) => v * (1 - v) * dC_da[L - 1][j]);
  }
  for (let l = L - 1; l >= 1; l--) {
    const W = model.weights[l];
    const nIn = sizes[l];
    const delta = deltas[l];
    const rows = [];
    const back = new Float64Array(nIn);
    for (let j = 0; j < delta.length; j++) {
      const row = new Float64Array(nIn);
      for (let k = 0; k < nIn; k++) {
        row[k] = W[j * nIn + k] * delta[j];
        back[k] += row[k];
      }
      rows.push(row);
    }
    contributions[l - 1] = rows;
    dC_da[l - 1] = back;
    deltas[l - 1] = back.map((v, k) => v * hiddenPrime(model, zs[l - 1][k], activations[l][k]));
  }
  const gradWeights = deltas.map((delta, i) => {
    const prev = activations[i];
    const g = new Float64Array(delta.length * prev.length);
    for (let j = 0; j < delta.length; j++) {
      for (let k = 0; k < prev.length; k++) g[j * prev.length + k] = delta[j] * prev[k];
    }
    return g;
  });
  return {
    activations,
    zs,
    target: y,
    cost_terms: terms,
    cost: terms.reduce((s, v) => s + v, 0),
    dC_da,
    nudges: dC_da.map((g) => g.map((v) => -v)),
    deltas,
    grad_biases: deltas,
    grad_weights: gradWeights,
    contributions
  };
}
function takeStep(model, result, eta) {
  const weights = model.weights.map(
    (W, l) => Float64Array.from(W, (w, i) => w - eta * result.grad_weights[l][i])
  );
  const biases = model.biases.map(
    (b, l) => Float64Array.from(b, (v, j) => v - eta * result.deltas[l][j])
  );
  return { ...model, dtype: "float64", weights, biases };
}
function largestComponents(gradWeights, gradBiases, sizes, count2) {
  const flat = [...gradWeights, ...gradBiases];
  const order = [];
  const values = [];
  let at = 0;
  for (const a of flat) {
    for (let k = 0; k < a.length; k++, at++) {
      const m = Math.abs(a[k]);
      if (order.length === count2 && m <= Math.abs(values[order.length - 1])) continue;
      let i = Math.min(order.length, count2 - 1);
      while (i > 0 && Math.abs(values[i - 1]) < m) i--;
      order.splice(i, 0, at);
      values.splice(i, 0, a[k]);
      if (order.length > count2) {
        order.pop();
        values.pop();
      }
    }
  }
  const found = [];
  for (const [n, index] of order.entries()) {
    let rest = index;
    let i = 0;
    while (i < gradWeights.length && rest >= gradWeights[i].length) rest -= gradWeights[i++].length;
    if (i < gradWeights.length) {
      const nIn = sizes[i];
      found.push({
        kind: "weight",
        layer: i + 1,
        to: Math.floor(rest / nIn),
        from: rest % nIn,
        value: values[n]
      });
    } else {
      let b = 0;
      while (rest >= gradBiases[b].length) rest -= gradBiases[b++].length;
      found.push({ kind: "bias", layer: b + 1, to: rest, value: values[n] });
    }
  }
  return found;
}

// src/digitnet/web/static/js/format.js
var MINUS = "\u2212";
var INFINITY = { true: "\u221E", false: "Infinity" };
var SPEC = /^([-+ (])?(,)?(?:\.(\d+))?(~)?([defgr%])?$/;
function parseSpec(spec) {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`unsupported number format: ${spec}`);
  return {
    sign: m[1] ?? "-",
    comma: Boolean(m[2]),
    precision: m[3] === void 0 ? null : Number(m[3]),
    trim: Boolean(m[4]),
    type: m[5] ?? ""
  };
}
function significant(x, p) {
  const text = Math.abs(x).toExponential(p - 1);
  const e = text.indexOf("e");
  return { digits: text.slice(0, e).replace(".", ""), exponent: Number(text.slice(e + 1)) };
}
function rounded(x, p) {
  if (x === 0) return "0";
  const { digits, exponent } = significant(x, p);
  if (exponent < 0) return `0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length > exponent + 1)
    return `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return digits + "0".repeat(exponent + 1 - digits.length);
}
var WRITERS = {
  "": (x, p) => Math.abs(x).toPrecision(p),
  d: (x) => BigInt(Math.abs(Math.round(x))).toString(),
  // every digit, even past 1e21
  e: (x, p) => Math.abs(x).toExponential(p),
  f: (x, p) => Math.abs(x).toFixed(p),
  g: (x, p) => Math.abs(x).toPrecision(p),
  r: (x, p) => rounded(x, p),
  "%": (x, p) => Math.abs(x * 100).toFixed(p)
};
function precisionOf({ type, precision }) {
  if (precision === null) return type === "" ? 12 : 6;
  return type === "g" || type === "r" || type === "" ? Math.min(21, Math.max(1, precision)) : Math.min(20, Math.max(0, precision));
}
function trimZeros(text) {
  const e = text.indexOf("e");
  const [mantissa, rest] = e < 0 ? [text, ""] : [text.slice(0, e), text.slice(e)];
  if (!mantissa.includes(".")) return text;
  return mantissa.replace(/0+$/, "").replace(/\.$/, "") + rest;
}
function group(text) {
  const end = text.search(/[.e]/);
  const whole = end < 0 ? text : text.slice(0, end);
  return whole.replace(/\B(?=(\d{3})+$)/g, ",") + (end < 0 ? "" : text.slice(end));
}
function format(spec) {
  const s = typeof spec === "string" ? parseSpec(spec) : spec;
  const p = precisionOf(s);
  const write = WRITERS[s.type];
  const trim = s.trim || s.type === "";
  return (value2) => {
    const x = Number(value2);
    let text = Number.isFinite(x) ? write(x, p) : Number.isNaN(x) ? "NaN" : INFINITY[s.type === "d"];
    if (trim) text = trimZeros(text);
    const negative = (x < 0 || 1 / x < 0) && (Number(text) !== 0 || s.sign === "+");
    if (s.comma) text = group(text);
    if (s.type === "%") text += "%";
    if (s.sign === "(") return negative ? `(${text})` : text;
    return (negative ? MINUS : s.sign === "-" ? "" : s.sign) + text;
  };
}
function exponentOf(x) {
  if (x === 0 || !Number.isFinite(x)) return NaN;
  const text = Math.abs(x).toExponential();
  return Number(text.slice(text.indexOf("e") + 1));
}
function precisionFixed(step2) {
  return Math.max(0, -exponentOf(Math.abs(step2)));
}
function precisionRound(step2, max) {
  const s = Math.abs(step2);
  const m = Math.abs(max) - s;
  return Math.max(0, exponentOf(m) - exponentOf(s)) + 1;
}
var pretty = (text) => text.replace(/e\+0$/, "").replace("e-", `e${MINUS}`).replace("e+", "e");
var kind = (spec) => {
  const f = format(spec);
  return (v) => v === null || v === void 0 || Number.isNaN(v) ? "\u2014" : pretty(f(v));
};
var value = kind(".4g");
var change = kind("+.3g");
var activation = kind(".3f");
var percent = kind(".1%");
var count = kind(",d");
var seconds = (s) => `${kind(".1f")(s)} s`;
var setting = kind("~g");
var counted = (n, noun) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;

// src/digitnet/web/static/js/scale.js
var ROOT50 = Math.sqrt(50);
var ROOT10 = Math.sqrt(10);
var ROOT2 = Math.SQRT2;
function tickPlan(lo, hi, count2) {
  const raw = (hi - lo) / Math.max(0, count2);
  const power = Math.floor(Math.log10(raw));
  const error = raw / Math.pow(10, power);
  const factor = error >= ROOT50 ? 10 : error >= ROOT10 ? 5 : error >= ROOT2 ? 2 : 1;
  let first;
  let last;
  let step2 = 0;
  let per = 0;
  if (power < 0) {
    per = Math.pow(10, -power) / factor;
    first = Math.round(lo * per);
    last = Math.round(hi * per);
    if (first / per < lo) first += 1;
    if (last / per > hi) last -= 1;
  } else {
    step2 = Math.pow(10, power) * factor;
    first = Math.round(lo / step2);
    last = Math.round(hi / step2);
    if (first * step2 < lo) first += 1;
    if (last * step2 > hi) last -= 1;
  }
  if (last < first && count2 >= 0.5 && count2 < 2) return tickPlan(lo, hi, count2 * 2);
  return { first, last, step: step2, per };
}
function ticks(start, stop, count2) {
  if (!(count2 > 0)) return [];
  if (start === stop) return [start];
  const reverse = stop < start;
  const { first, last, step: step2, per } = reverse ? tickPlan(stop, start, count2) : tickPlan(start, stop, count2);
  if (!(last >= first)) return [];
  const out = [];
  for (let i = 0; i <= last - first; i++) {
    const k = reverse ? last - i : first + i;
    out.push(per ? k / per : k * step2);
  }
  return out;
}
function tickIncrement(start, stop, count2) {
  const { step: step2, per } = tickPlan(start, stop, count2);
  return per ? -per : step2;
}
function tickStep(start, stop, count2) {
  const reverse = stop < start;
  const inc = reverse ? tickIncrement(stop, start, count2) : tickIncrement(start, stop, count2);
  return (reverse ? -1 : 1) * (inc < 0 ? 1 / -inc : inc);
}
var lerp = ([r0, r1], t) => r0 * (1 - t) + r1 * t;
function linearScale(domain = [0, 1], range2 = [0, 1]) {
  const [d0, d1] = domain;
  const scale = (v) => lerp(range2, d1 === d0 ? 0.5 : (v - d0) / (d1 - d0));
  scale.type = "linear";
  scale.domain = [d0, d1];
  scale.range = [...range2];
  scale.invert = (y) => d0 + (y - range2[0]) / (range2[1] - range2[0]) * (d1 - d0);
  scale.ticks = (count2 = 10) => ticks(d0, d1, count2);
  scale.tickFormat = (count2 = 10, spec = ",f") => linearTickFormat(d0, d1, count2, spec);
  scale.nice = (count2 = 10) => linearScale(niceDomain(d0, d1, count2), range2);
  return scale;
}
function niceDomain(d0, d1, count2) {
  const reverse = d1 < d0;
  let [lo, hi] = reverse ? [d1, d0] : [d0, d1];
  let previous;
  for (let round = 0; round < 10; round++) {
    const inc = tickIncrement(lo, hi, count2);
    if (inc === previous) return reverse ? [hi, lo] : [lo, hi];
    if (inc > 0) {
      lo = Math.floor(lo / inc) * inc;
      hi = Math.ceil(hi / inc) * inc;
    } else if (inc < 0) {
      lo = Math.ceil(lo * inc) / inc;
      hi = Math.floor(hi * inc) / inc;
    } else break;
    previous = inc;
  }
  return [d0, d1];
}
function linearTickFormat(d0, d1, count2, spec) {
  const s = parseSpec(spec);
  const step2 = tickStep(d0, d1, count2);
  if (s.precision === null) {
    if ("egr".includes(s.type)) {
      const p = precisionRound(step2, Math.max(Math.abs(d0), Math.abs(d1)));
      if (!Number.isNaN(p)) s.precision = p - (s.type === "e" ? 1 : 0);
    } else if (s.type === "f" || s.type === "%") {
      const p = precisionFixed(step2);
      if (!Number.isNaN(p)) s.precision = p - (s.type === "%" ? 2 : 0);
    }
  }
  return format(s);
}
var pow10 = (k) => Number(`1e${k}`);
function logScale(domain = [1, 10], range2 = [0, 1]) {
  const [d0, d1] = domain;
  const [l0, l1] = [Math.log10(d0), Math.log10(d1)];
  const scale = (v) => lerp(range2, l1 === l0 ? 0.5 : (Math.log10(v) - l0) / (l1 - l0));
  scale.type = "log";
  scale.domain = [d0, d1];
  scale.range = [...range2];
  scale.invert = (y) => 10 ** (l0 + (y - range2[0]) / (range2[1] - range2[0]) * (l1 - l0));
  scale.ticks = (count2 = 10) => logTicks(d0, d1, count2);
  scale.tickFormat = (count2 = 10, spec = "~g") => {
    const s = parseSpec(spec);
    if (s.precision === null) s.trim = true;
    const f = format(s);
    const most = Math.max(1, 10 * count2 / logTicks(d0, d1, 10).length);
    return (v) => {
      let mantissa = v / pow10(Math.round(Math.log10(v)));
      if (mantissa * 10 < 9.5) mantissa *= 10;
      return mantissa <= most ? f(v) : "";
    };
  };
  scale.nice = () => {
    const [lo, hi] = d1 < d0 ? [d1, d0] : [d0, d1];
    const wide = [pow10(Math.floor(Math.log10(lo))), pow10(Math.ceil(Math.log10(hi)))];
    return logScale(d1 < d0 ? wide.reverse() : wide, range2);
  };
  return scale;
}
function logTicks(d0, d1, count2) {
  const reverse = d1 < d0;
  const [lo, hi] = reverse ? [d1, d0] : [d0, d1];
  const [l0, l1] = [Math.log10(lo), Math.log10(hi)];
  let out = [];
  if (l1 - l0 < count2) {
    for (let k = Math.floor(l0); k <= Math.ceil(l1); k++) {
      for (let m = 1; m < 10; m++) {
        const t = k < 0 ? m / pow10(-k) : m * pow10(k);
        if (t > hi) break;
        if (t >= lo) out.push(t);
      }
    }
    if (out.length * 2 < count2) out = ticks(lo, hi, count2);
  } else {
    out = ticks(l0, l1, Math.min(l1 - l0, count2)).map(pow10);
  }
  return reverse ? out.reverse() : out;
}
function axisTicks(scale, count2, spec) {
  const label = scale.tickFormat(count2, spec);
  return scale.ticks(count2).map((value2) => ({ value: value2, label: pretty(label(value2)) }));
}

// src/digitnet/web/static/js/chart.js
var SERIES = [
  "#e69f00",
  // orange
  "#56b4e9",
  // sky blue
  "#009e73",
  // bluish green
  "#f0e442",
  // yellow
  "#cc79a7",
  // reddish purple
  "#d55e00",
  // vermillion
  "#0072b2",
  // blue
  "#e6ebf5"
  // near-white
];
var FLOOR = 1e-12;
function scaleFor(values, from, to, { log = false, domain = null, pad = 0, nice = true } = {}) {
  const shown = values.filter(Number.isFinite).map((v) => log ? Math.max(v, FLOOR) : v);
  let [lo, hi] = domain ?? [Math.min(...shown), Math.max(...shown)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  if (log) {
    [lo, hi] = [Math.max(lo, FLOOR), Math.max(hi, FLOOR)];
    if (hi / lo < 1.5) [lo, hi] = [lo / 1.25, hi * 1.25];
    const widen = (hi / lo) ** pad;
    return logScale([lo / widen, hi * widen], [from, to]);
  }
  if (hi === lo) [lo, hi] = lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  [lo, hi] = [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
  const scale = linearScale([lo, hi], [from, to]);
  return nice ? scale.nice(tickCount(from, to)) : scale;
}
var tickCount = (from, to) => Math.max(2, Math.floor(Math.abs(to - from) / (to < from ? 40 : 100)));
function specFor(scale) {
  const [lo, hi] = scale.domain.map(Math.abs).sort((a, b) => a - b);
  const extreme = (scale.type === "log" ? lo : hi) < 1e-4 || hi >= 1e6;
  return extreme ? "~e" : scale.type === "log" ? "~g" : ",f";
}
function axis(scale) {
  const [from, to] = scale.range;
  const spec = scale.axis?.spec ?? specFor(scale);
  let count2 = scale.axis?.count ?? tickCount(from, to);
  let ticks2 = axisTicks(scale, count2, spec);
  for (let more = 0; more < 3 && ticks2.filter((t) => t.label).length < 2; more++) {
    count2 *= 2;
    ticks2 = axisTicks(scale, count2, spec);
  }
  return ticks2.map((t) => ({ ...t, at: scale(t.value) }));
}
function chartLayout(width, height, items, measure, margin = {}) {
  const m = { left: 52, right: 52, bottom: 28, row: 18, swatch: 22, gap: 18, ...margin };
  const legend2 = [];
  let x = m.left;
  let row = 0;
  for (const text of items) {
    const w = m.swatch + measure(text);
    if (x > m.left && x + w > width - m.right) {
      row += 1;
      x = m.left;
    }
    legend2.push({ text, x, y: 6 + m.row * row + m.row / 2, width: w });
    x += w + m.gap;
  }
  const top = 6 + m.row * (row + 1) + 8;
  return { plot: { left: m.left, top, right: width - m.right, bottom: height - m.bottom }, legend: legend2 };
}

// src/digitnet/web/static/js/chapters.js
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value2] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value2);
    else if (key.startsWith("aria-") || key === "role" || key === "for")
      node.setAttribute(key, value2);
    else node[key] = value2;
  }
  node.append(...children.filter((c) => c !== null && c !== void 0));
  return node;
}
var spoken = (textContent) => el("span", { className: "sr-only", textContent });
function scroller(name, ...table2) {
  const props = { className: "table-wrap", role: "region", tabIndex: 0, "aria-label": name };
  return el("div", props, ...table2);
}
function button(textContent, props = {}) {
  return el("button", { type: "button", textContent, ...props });
}
function signed(v, digits = 3) {
  if (v === null || v === void 0 || Number.isNaN(v)) return "\u2014";
  if (v === 0) return "0";
  const small = Math.abs(v) < 1e-3 && v !== 0;
  return pretty(format(small ? `+.${digits - 1}e` : `+.${digits}g`)(v));
}
function num(v, decimals = 4) {
  if (v === null || v === void 0 || Number.isNaN(v)) return "\u2014";
  const small = Math.abs(v) < 1e-3 && v !== 0;
  return pretty(format(small ? ".2e" : `.${decimals}f`)(v));
}
var rgb = ([r, g, b], alpha = 1) => `rgba(${r},${g},${b},${alpha})`;
function labelPicker(testid, onPick) {
  const select = el("select", {
    dataset: { testid },
    "aria-label": "The label: the digit this example should be"
  });
  for (let d = 0; d < DIGITS; d++) select.append(new Option(String(d), String(d)));
  select.addEventListener("change", (e) => onPick(Number(select.value), e));
  return select;
}
function labelEvery(slot) {
  for (let step2 = 1; ; step2 *= 10) {
    for (const m of [1, 2, 5]) if (slot * step2 * m >= 28) return step2 * m;
  }
}
function signedBars(canvas, values, { scale = null, labels = null, highlight = -1, colors = null } = {}) {
  const sized = fit(canvas);
  if (!sized) return null;
  const { ctx, width, height } = sized;
  const n = values.length;
  const top = scale ?? Math.max(1e-12, ...Array.from(values, Math.abs));
  const pad = 18;
  const mid = (height - pad) / 2;
  const slot = width / n;
  const bar = Math.max(2, slot * 0.62);
  const every = labelEvery(slot);
  ctx.strokeStyle = "#3a4660";
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(width, mid);
  ctx.stroke();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const h = Math.min(1, Math.abs(v) / top) * (mid - 4) * Math.sign(v);
    const x = slot * i + (slot - bar) / 2;
    ctx.fillStyle = colors ? colors[i] : rgb(v >= 0 ? GREEN : RED);
    ctx.fillRect(x, mid - Math.max(h, 0), bar, Math.abs(h));
    if (i === highlight) {
      ctx.strokeStyle = "#ffd54a";
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 2, 2, bar + 4, height - pad - 4);
      ctx.lineWidth = 1;
    }
    if (labels && (i % every === 0 || i === highlight)) {
      ctx.fillStyle = i === highlight ? "#ffd54a" : "#93a0b8";
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "center";
      const text = String(labels[i]);
      const half = ctx.measureText(text).width / 2;
      ctx.fillText(text, Math.min(width - half, Math.max(half, slot * (i + 0.5))), height - 4);
    }
  }
  return sized;
}
function lineChart(canvas, series, { xLabel = "", yLabel = "", logX = false, logY = false, marks = [], yRange = null } = {}) {
  const sized = fit(canvas);
  if (!sized) return null;
  const { ctx, width, height } = sized;
  ctx.font = "11px system-ui, sans-serif";
  const named = series.filter((s) => s.label);
  const measure = (text) => ctx.measureText(text).width;
  const margin = { left: 56, right: 22, bottom: 34, row: 16 };
  const laid = chartLayout(
    width,
    height,
    named.map((s) => s.label),
    measure,
    margin
  );
  const plot = { ...laid.plot, top: named.length ? laid.plot.top : 12 };
  laid.legend.forEach((item, i) => {
    ctx.strokeStyle = ctx.fillStyle = named[i].color;
    ctx.lineWidth = 2;
    ctx.setLineDash(named[i].dash || []);
    ctx.beginPath();
    ctx.moveTo(item.x, item.y);
    ctx.lineTo(item.x + 16, item.y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    ctx.fillText(named[i].label, item.x + 22, item.y);
  });
  const all = series.flatMap((s) => s.points).concat(marks.map((m) => [m.x, m.y]));
  const positive = (log) => (v) => Number.isFinite(v) && (!log || v > 0);
  const xs = all.map((p) => p[0]).filter(positive(logX));
  const ys = all.map((p) => p[1]).filter(positive(logY));
  if (!xs.length || !ys.length) return null;
  const y = scaleFor(ys, plot.bottom, plot.top, {
    log: logY,
    domain: yRange,
    pad: 0.05,
    nice: false
  });
  plot.left = 26 + Math.max(24, ...axis(y).map((t) => measure(t.label))) + 8;
  const x = scaleFor(xs, plot.left, plot.right, { log: logX, nice: false });
  drawAxes(canvas, ctx, plot, { x, y });
  ctx.fillStyle = "#93a0b8";
  ctx.textAlign = "center";
  const middle = (plot.left + plot.right) / 2;
  ctx.fillText(xLabel, middle, height - 4, 2 * Math.min(middle, width - middle) - 4);
  ctx.save();
  ctx.translate(12, (plot.top + plot.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  ctx.clip();
  const toX = (v) => x(logX ? Math.max(v, 1e-12) : v);
  const toY = (v) => y(logY ? Math.max(v, 1e-12) : v);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width || 1.8;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    s.points.forEach(([a, b], i) => i ? ctx.lineTo(toX(a), toY(b)) : ctx.moveTo(toX(a), toY(b)));
    ctx.stroke();
    if (s.dots) for (const [a, b] of s.points) ctx.fillRect(toX(a) - 2, toY(b) - 2, 4, 4);
  }
  ctx.setLineDash([]);
  for (const m of marks) {
    ctx.fillStyle = m.color;
    ctx.beginPath();
    ctx.arc(toX(m.x), toY(m.y), m.radius || 5, 0, 2 * Math.PI);
    ctx.fill();
    if (m.label) {
      ctx.textAlign = "left";
      ctx.fillText(m.label, toX(m.x) + 8, toY(m.y) - 6);
    }
  }
  ctx.restore();
  return { toX, toY, ctx };
}
function drawAxes(canvas, ctx, plot, axes) {
  ctx.strokeStyle = "#3a4660";
  ctx.lineWidth = 1;
  ctx.strokeRect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  ctx.fillStyle = "#93a0b8";
  const kept = {};
  for (const [side, scale] of Object.entries(axes)) {
    if (!scale) continue;
    const ticks2 = axis(scale);
    kept[side] = ticks2.filter((t) => t.label).map((t) => [t.value, t.label, t.at]);
    ctx.textAlign = side === "x" ? "center" : side === "y" ? "right" : "left";
    ctx.textBaseline = side === "x" ? "top" : "middle";
    ctx.beginPath();
    for (const { label, at } of ticks2) {
      const long = label ? 5 : 3;
      if (side === "x") {
        ctx.moveTo(at, plot.bottom);
        ctx.lineTo(at, plot.bottom + long);
        ctx.fillText(label, at, plot.bottom + 6);
      } else {
        const edge = side === "y" ? plot.left : plot.right;
        const out = side === "y" ? -1 : 1;
        ctx.moveTo(edge, at);
        ctx.lineTo(edge + out * long, at);
        ctx.fillText(label, edge + out * 7, at);
      }
    }
    ctx.stroke();
  }
  ctx.textBaseline = "alphabetic";
  canvas.dataset.axes = JSON.stringify(kept);
}
function legend(items) {
  return el(
    "div",
    { className: "legend" },
    ...items.map(
      ({ color, label }) => el("span", {}, el("i", { style: `background:${color}` }), label)
    )
  );
}
var PALETTE = [...SERIES, "#9aa5b8", "#5d6b85"];
function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return null;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  return paper({ ctx, width, height });
}
function drawSigned(canvas, values, offset = 0, top = null) {
  if (canvas.width !== SIDE || canvas.height !== SIDE) {
    canvas.width = SIDE;
    canvas.height = SIDE;
  }
  let scale = top;
  if (scale === null) {
    scale = 1e-12;
    for (let i = 0; i < PIXELS; i++) scale = Math.max(scale, Math.abs(values[offset + i]));
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < PIXELS; i++) {
    const v = values[offset + i];
    const t = Math.min(1, Math.abs(v) / Math.max(scale, 1e-12));
    const [r, g, b] = v >= 0 ? GREEN : RED;
    img.data.set([r * t, g * t, b * t, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}
var LATENCIES_KEPT = 200;
var Latency = class {
  constructor() {
    this.times = [];
    this.work = [];
  }
  measure(event, update) {
    const started = performance.now();
    update();
    const done = performance.now();
    const since = event ? event.timeStamp : started;
    keepLatest(this.work, done - started);
    requestAnimationFrame(() => keepLatest(this.times, performance.now() - since));
  }
};
function keepLatest(list, value2) {
  list.push(value2);
  if (list.length > LATENCIES_KEPT) list.shift();
}
function whenShown(root, fn) {
  new MutationObserver(() => {
    if (!root.hidden) fn();
  }).observe(root, { attributes: true, attributeFilter: ["hidden"] });
}
function section(title, help, ...children) {
  return el(
    "section",
    { className: "chapter-part" },
    el("h2", { textContent: title }),
    el("p", { className: "muted help", textContent: help }),
    ...children
  );
}
var SUBSCRIPTS = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089";
var sub = (n) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
var SUPERSCRIPTS = "\u2070\xB9\xB2\xB3\u2074\u2075\u2076\u2077\u2078\u2079";
var sup = (n) => String(n).replace(/\d/g, (d) => SUPERSCRIPTS[d]);
function pairedBars(canvas, groups, labels, top = 1) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const bottom = 18;
  const slot = width / labels.length;
  const bar = slot * 0.7 / groups.length;
  ctx.strokeStyle = "#3a4660";
  ctx.beginPath();
  ctx.moveTo(0, height - bottom);
  ctx.lineTo(width, height - bottom);
  ctx.stroke();
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  labels.forEach((label, i) => {
    groups.forEach((g, n) => {
      const h = Math.min(top, Math.max(0, g.values[i])) / top * (height - bottom - 6);
      ctx.fillStyle = g.color;
      ctx.fillRect(slot * i + slot * 0.15 + n * bar, height - bottom - h, bar - 1, h);
    });
    ctx.fillStyle = "#93a0b8";
    ctx.fillText(String(label), slot * (i + 0.5), height - 4);
  });
}

// src/digitnet/web/static/js/example.js
var FIRST_TEST_DIGIT = 0;
var SPLIT_SIZES = { test: 1e4, train: 6e4 };
var Example = class {
  /** served: MNIST images come from the server; samples: test digits embedded in an exported
   * page ([{index, label, pixels_255}]); drawOwn(): opens the drawing pad; request(path,
   * options): answers api.js's requests (a Jupyter widget's kernel answers instead). */
  constructor({ served = true, samples = null, drawOwn = null, request = api } = {}) {
    this.served = served;
    this.api = request;
    this.samples = samples && samples.length ? samples : null;
    this.drawOwn = drawOwn;
    this.x = new Float64Array(PIXELS);
    this.drawing = new Float64Array(PIXELS);
    this.trueLabel = null;
    this.origin = { split: "drawing", index: null };
    this.picked = null;
    this.blankPicked = false;
    this.label = null;
    this.listeners = [];
    this.choosers = [];
    if (this.samples) this.take(this.fromSample(0));
  }
  onChange(listener) {
    this.listeners.push(listener);
  }
  changed(what = "example") {
    this.choosers.forEach((c) => c.show());
    this.listeners.forEach((f) => f(this, what));
  }
  /** The first test digit, from the server, once (an exported page starts with its own),
   * unless the learner has chosen something, before or while it loads (a blank drawing too). */
  start() {
    if (this.served && !this.chosen() && !this.starting) {
      this.starting = this.load("test", FIRST_TEST_DIGIT, () => !this.chosen()).catch(
        () => this.changed()
      );
    }
    return this.starting;
  }
  /** The learner has drawn, picked an image or picked the drawing (blank or not). */
  chosen() {
    return this.picked || this.blankPicked || this.origin.split !== "drawing" || !this.blank();
  }
  /** A view chose the label d: every view follows. */
  setLabel(d) {
    this.label = d;
    this.changed("label");
  }
  /** The drawing pad's input: studied once it has ink; when it is wiped, the last image again. */
  setDrawing(x) {
    if (sameValues(this.drawing, x)) return;
    this.drawing = Float64Array.from(x);
    const ink = this.drawing.some((v) => v > 0);
    if (ink) {
      if (this.origin.split !== "drawing") this.label = null;
      this.origin = { split: "drawing", index: null };
      this.trueLabel = null;
      this.x = this.drawing;
      this.changed();
    } else if (this.origin.split === "drawing") {
      if (this.picked && !this.blankPicked) this.take(this.picked);
      else this.x = this.drawing;
      this.changed();
    }
  }
  /** An image opened on the drawing pad from elsewhere (a test image from Experiments): studied
   * as the image it is (its origin and true label) until it is drawn on. */
  openImage(x, trueLabel, origin) {
    this.drawing = Float64Array.from(x);
    this.take({ x: this.drawing, trueLabel, origin });
    this.changed();
  }
  /** The learner picked the drawing, blank or not. */
  useDrawing() {
    this.origin = { split: "drawing", index: null };
    this.trueLabel = null;
    this.x = this.drawing;
    this.blankPicked = true;
    this.label = null;
    this.changed();
  }
  /** An MNIST image (split "train" or "test", index N; null = at random), taken if still
   * wanted() once it has come. */
  async load(split, index = null, wanted = () => true) {
    const n = index ?? Math.floor(Math.random() * SPLIT_SIZES[split]);
    if (!this.served) {
      const at = this.samples ? this.samples.findIndex((s) => s.index === n) : -1;
      if (split !== "test" || at < 0) throw new Error(this.offline());
      this.take(this.fromSample(at));
    } else {
      const r = await this.api("/api/backprop", {
        method: "POST",
        body: { example: { split, index: n }, first_layer: false }
      });
      if (!wanted()) return;
      const image = Float64Array.from(r.activations[0]);
      this.take({ x: image, trueLabel: r.example.label, origin: { split, index: n } });
    }
    this.changed();
  }
  fromSample(at) {
    const s = this.samples[at];
    const x = Float64Array.from(s.pixels_255, (v) => v / 255);
    return { x, trueLabel: s.label, origin: { split: "test", index: s.index } };
  }
  take(image) {
    this.picked = image;
    this.blankPicked = false;
    this.x = image.x;
    this.trueLabel = image.trueLabel;
    this.origin = image.origin;
    this.label = null;
  }
  offline() {
    const indices = this.samples ? this.samples.map((s) => s.index) : [];
    return indices.length ? `this page holds test images ${indices[0]}\u2013${indices.at(-1)} only` : "this page holds no test images: draw a digit";
  }
  blank() {
    return !this.x.some((v) => v > 0);
  }
  describe() {
    const { split, index } = this.origin;
    if (split === "drawing") return this.blank() ? "your drawing (blank)" : "your drawing";
    const which = split === "train" ? "training image" : "test image";
    return `${which} ${index.toLocaleString()} (a ${this.trueLabel})`;
  }
  /** The label a view works with: the one chosen there, else the true one, else the model's answer. */
  labelFor(model) {
    return this.label ?? this.trueLabel ?? argmax(forwardAll(model, this.x).activations.at(-1));
  }
  /** The bar atop a view: the chooser, the view's label picker (labelPicker), then its own controls. */
  topBar(label, ...controls) {
    return el(
      "div",
      { className: "chapter-top" },
      this.chooser(),
      el("label", { className: "label-pick" }, "Label ", label),
      ...controls
    );
  }
  /** Controls to choose the example: what is studied (thumbnail and words), the source, a
   * number (typed, or previous/next), and "Draw your own". Returns the element. */
  chooser() {
    const splits = this.served ? [
      new Option("a test digit", "test"),
      new Option("a training image", "train"),
      new Option("a random training image", "random")
    ] : this.samples ? [new Option("a test digit", "test")] : [];
    const source = el("select", {}, new Option("the drawing", "drawing"), ...splits);
    const index = el("input", { type: "number", min: 0, value: 0, className: "index" });
    const number = el("label", {}, "number ", index);
    const previous = button("Previous");
    const next = button("Next");
    const thumb = el("canvas", { width: SIDE, height: SIDE, className: "example-thumb" });
    thumb.setAttribute("role", "img");
    const said = el("span", { className: "studied", "aria-live": "polite" });
    const status = el("span", { className: "muted", "aria-live": "polite" });
    const load = async (n) => {
      const split = source.value === "random" ? "train" : source.value;
      status.textContent = "loading\u2026";
      try {
        await this.load(split, source.value === "random" ? null : n);
        status.textContent = "";
      } catch (e) {
        status.textContent = e.message;
      }
    };
    const step2 = (by) => load(Math.max(0, Number(index.value) + by));
    source.addEventListener("change", () => {
      if (source.value === "drawing") this.useDrawing();
      else load(source.value === this.origin.split ? Number(index.value) : 0);
    });
    index.addEventListener("change", () => load(Number(index.value)));
    previous.addEventListener("click", () => step2(-1));
    next.addEventListener("click", () => step2(1));
    const own = this.drawOwn ? button("Draw your own") : null;
    if (own) own.addEventListener("click", () => this.drawOwn());
    const wrap = el(
      "div",
      { className: "example-chooser" },
      thumb,
      el("p", { className: "studied-line" }, "Studying ", said),
      el("label", {}, "Input ", source),
      number,
      previous,
      next,
      own,
      status
    );
    const chooser = {
      show: () => {
        drawGray(thumb, this.x);
        const what = this.describe();
        thumb.setAttribute("aria-label", `the input: ${what}`);
        said.textContent = this.blank() && this.origin.split === "drawing" ? `${what}: draw a digit${splits.length ? ", or choose an image" : ""}` : what;
        const { split, index: n } = this.origin;
        if (source.value !== "random" || split !== "train") source.value = split;
        const image = split !== "drawing";
        number.hidden = previous.hidden = next.hidden = !image || source.value === "random";
        if (image) {
          index.value = String(n);
          index.max = String(
            (this.served ? SPLIT_SIZES[split] : this.samples.at(-1).index + 1) - 1
          );
        }
      }
    };
    this.choosers.push(chooser);
    chooser.show();
    return wrap;
  }
};
function sameValues(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// src/digitnet/web/static/js/backprop.js
var SHADE = 0.42;
var OTHERS = 8;
var BackpropView = class {
  constructor(root, example, { samples = null } = {}) {
    this.root = root;
    this.example = example;
    this.model = null;
    this.working = null;
    this.steps = 0;
    this.neuron = null;
    this.others = samples;
    this.lastStep = null;
    this.clicked = [];
    this.latency = new Latency();
    this.build();
    example.onChange((_, what) => {
      this.lastStep = null;
      this.neuron = null;
      if (what === "example") this.forgetAverages();
      this.update();
    });
    whenShown(root, () => this.update());
  }
  build() {
    const r = this.root;
    this.convention = el("p", { className: "convention" });
    this.label = labelPicker(
      "backprop-label",
      (d, e) => this.latency.measure(e, () => this.chooseLabel(d))
    );
    const top = this.example.topBar(
      this.label,
      el("span", { className: "muted" }, "the digit this example should be")
    );
    this.outputs = el("div", {
      className: "bp-outputs",
      role: "group",
      "aria-label": "The ten outputs"
    });
    this.costSum = el("p", { className: "cost-sum", "aria-live": "polite" });
    this.nudgeCanvas = el("canvas", { className: "chart short", role: "img" });
    const costSection = section(
      "The cost of this example, term by term",
      "Each output's term is how far it is from what the label wants (1 for the label, 0 for the others). The desired nudges \u2212\u2202C/\u2202a are the arrows: up for the label, down for the others, as long as their real size. Click an output to see the three ways to move it.",
      el(
        "div",
        { className: "bp-cost" },
        el("div", {}, this.outputs, this.costSum),
        el(
          "figure",
          { className: "chart-figure" },
          this.nudgeCanvas,
          el("figcaption", {}, "desired nudges of the outputs, \u2212\u2202C/\u2202a\u1D38")
        )
      )
    );
    this.waysTitle = el("h3");
    this.waysBias = el("p");
    this.waysWeights = el("canvas", { className: "chart short", role: "img" });
    this.waysActivations = el("canvas", { className: "chart short", role: "img" });
    this.waysWeightsText = el("p", { className: "muted" });
    this.addFrom = el("input", { type: "number", min: 0, value: 0, className: "eta" });
    const add = button("Add to the averaging table");
    add.addEventListener("click", () => this.addWeight(Number(this.addFrom.value)));
    this.addWeightControls = el(
      "div",
      { className: "buttons" },
      el("label", {}, "the weight from neuron ", this.addFrom),
      add
    );
    this.waysActivationsText = el("p", { className: "muted" });
    this.waysWeights.addEventListener("click", (e) => this.clickWeight(e));
    const waysSection = section(
      "Three ways to move one output",
      "An output moves with its z = \u03A3\u2096 w\u2C7C\u2096 a\u2096 + b\u2C7C, and z with three kinds of knobs.",
      this.waysTitle,
      el(
        "div",
        { className: "ways" },
        el("div", {}, el("h4", {}, "1. its bias"), this.waysBias),
        el(
          "div",
          {},
          el("h4", {}, "2. its weights, in proportion to a\u2096"),
          this.waysWeights,
          this.waysWeightsText,
          this.addWeightControls
        ),
        el(
          "div",
          {},
          el("h4", {}, "3. the previous activations, in proportion to w\u2C7C\u2096"),
          this.waysActivations,
          this.waysActivationsText
        )
      )
    );
    this.sums = el("div", { className: "sums" });
    const sumSection = section(
      "The previous layer's nudges: every neuron's wishes, added up",
      "For each hidden neuron k, the bars stacked in its column are the wishes \u2212w\u2C7C\u2096 \u03C3\u2032(z\u2C7C) \u2202C/\u2202a\u2C7C of every neuron j it feeds (one colour each); the white mark is their total, the nudge that neuron is asked for. Then the same again, one layer further back: propagating backwards.",
      this.sums
    );
    this.firstLayer = el("div", { className: "pairs" });
    const firstSection = section(
      "Hidden layer 1's weight changes for this example",
      "Each pair is one neuron of hidden layer 1: left, its current weights; right, its desired weight changes \u2212\u2202C/\u2202w\u2C7C\u2096 = \u2212\u03B4\u2C7C a\u2096, a copy of the input, green where its weights should grow, red where they should shrink (all changes on one scale).",
      this.firstLayer
    );
    this.eta = el("input", {
      type: "number",
      min: 0,
      step: "any",
      value: 3,
      className: "eta",
      "aria-label": "Step size \u03B7"
    });
    this.apply = button("Take this example's step", { dataset: { testid: "apply-step" } });
    this.reset = button("Back to the loaded model", { disabled: true });
    this.stepStatus = el("p", { "aria-live": "polite" });
    this.stepChart = el("canvas", {
      className: "chart short",
      role: "img",
      "aria-label": "This example's ten outputs before and after the step"
    });
    this.stepLegend = el("div");
    this.otherThumbs = el("div", { className: "thumbs" });
    this.apply.addEventListener("click", (e) => this.latency.measure(e, () => this.takeStep()));
    this.reset.addEventListener("click", (e) => this.latency.measure(e, () => this.backToLoaded()));
    const stepSection = section(
      "Take this example's step",
      "\u03B8 \u2190 \u03B8 \u2212 \u03B7 \u2207C\u2093 with this one example's gradient: its own outputs move towards the label, and every other digit's outputs move too. The steps stay in this view until you go back to the loaded model.",
      el("div", { className: "buttons" }, el("label", {}, "\u03B7 ", this.eta), this.apply, this.reset),
      this.stepStatus,
      el(
        "div",
        { className: "bp-step" },
        el(
          "div",
          {},
          el("h3", { className: "minor" }, "this example's outputs"),
          this.stepChart,
          this.stepLegend
        ),
        el(
          "div",
          {},
          el(
            "h3",
            { className: "minor" },
            "held-out digits: their own label's output, before \u2192 after the last step"
          ),
          this.otherThumbs
        )
      )
    );
    this.batchSize = el("input", {
      type: "number",
      min: 1,
      max: 32,
      value: 8,
      "aria-label": "Training images to average with this example"
    });
    this.averageButton = button("Average over a mini-batch");
    this.averageStatus = el("p", { className: "muted", "aria-live": "polite" });
    this.averageTable = scroller("Each image's wish for each parameter, and their average");
    this.cosineButton = button("Measure how well mini-batches aim");
    this.cosineStatus = el("p", { className: "muted", "aria-live": "polite" });
    this.cosineChart = el("canvas", {
      className: "chart short",
      role: "img",
      hidden: true,
      // until measured
      "aria-label": "How closely a mini-batch's gradient points along the whole training set's, for mini-batches of 1 to 1,000 images"
    });
    this.averageButton.addEventListener("click", () => this.average());
    this.cosineButton.addEventListener("click", () => this.cosine());
    const averageSection = section(
      "Averaging: a mini-batch's step",
      "Rows: the parameters with the largest average desired change (and any weight you click in chart 2 above). Columns: this example and real training images; each cell is that example's wish \u2212\u2202C\u2093/\u2202\u03B8, the last column their average, the mini-batch's step. Beside it: how closely a mini-batch's gradient points along the whole training set's, by batch size.",
      this.example.served ? el(
        "div",
        {},
        el(
          "div",
          { className: "buttons" },
          el("label", {}, "training images ", this.batchSize),
          this.averageButton
        ),
        this.averageStatus,
        el(
          "div",
          { className: "bp-average" },
          this.averageTable,
          el("div", {}, this.cosineButton, this.cosineStatus, this.cosineChart)
        )
      ) : el(
        "p",
        { className: "muted" },
        "The averaging needs MNIST images: run digitnet serve and open this view there."
      )
    );
    r.replaceChildren(
      this.convention,
      top,
      costSection,
      waysSection,
      sumSection,
      firstSection,
      stepSection,
      averageSection
    );
  }
  setModel(model) {
    this.model = model;
    this.working = model;
    this.steps = 0;
    this.lastStep = null;
    this.neuron = null;
    this.reset.disabled = true;
    this.weightBars = null;
    this.forgetAverages();
    this.cosineStatus.textContent = "";
    this.cosineChart.hidden = true;
    delete this.cosineChart.dataset.points;
    this.buildSums();
    this.buildFirstLayer();
    this.convention.textContent = `This model's cost: ${costName(model)}. Every number here is computed from its ${model.sizes.join("-")} weights for the example chosen below.`;
    this.update();
  }
  currentLabel() {
    return this.example.labelFor(this.working);
  }
  chooseLabel(d) {
    this.example.setLabel(d);
  }
  // The averaging table's columns and clicked rows belong to one example and one model.
  forgetAverages() {
    this.clicked = [];
    this.averageTable.replaceChildren();
    this.averageStatus.textContent = "";
  }
  update() {
    if (!this.working || this.root.hidden) return;
    const label = this.currentLabel();
    this.label.value = String(label);
    const result = backprop(this.working, this.example.x, label);
    this.result = result;
    this.showCost(result, label);
    this.showWays(result, this.neuron ?? label);
    this.showSums(result);
    this.showFirstLayer(result);
    this.showStep(result, label);
  }
  showCost(result, label) {
    const a = result.activations.at(-1);
    const nudges = result.nudges.at(-1);
    const best = argmax(a);
    if (this.outputs.children.length !== a.length) {
      this.outputs.replaceChildren(
        el(
          "div",
          { className: "bp-row head", "aria-hidden": "true" },
          ...[
            "digit",
            "output a\u2C7C",
            "y\u2C7C",
            this.model.cost === "cross-entropy" ? "\u2212y\u2C7C ln a\u2C7C" : "(a\u2C7C \u2212 y\u2C7C)\xB2",
            "nudge"
          ].map((t) => el("span", { textContent: t }))
        ),
        ...Array.from(a, (_, d) => {
          const row = el(
            "button",
            {
              type: "button",
              className: "bp-row",
              dataset: { testid: "backprop-output", digit: String(d) }
            },
            // the row's name is its text: the hidden words say what each number is
            el("span", { className: "digit" }, spoken("output "), String(d)),
            el("span", { className: "track" }, el("span", { className: "fill" }), spoken("")),
            el("span", { className: "y" }),
            el("span", { className: "term" }),
            el("span", { className: "nudge" })
          );
          row.addEventListener("click", (e) => this.latency.measure(e, () => this.chooseNeuron(d)));
          return row;
        })
      );
    }
    const rows = Array.from(this.outputs.querySelectorAll("[data-testid=backprop-output]"));
    const shown = this.neuron ?? label;
    rows.forEach((row, d) => {
      row.dataset.value = a[d].toFixed(6);
      row.classList.toggle("wanted", d === label);
      row.classList.toggle("best", d === best);
      row.setAttribute("aria-pressed", String(d === shown));
      row.querySelector(".fill").style.width = `${(100 * Math.min(1, Math.max(0, a[d]))).toFixed(1)}%`;
      row.querySelector(".track .sr-only").textContent = `: a = ${a[d].toFixed(3)}, y = `;
      row.querySelector(".y").textContent = String(result.target[d]);
      row.querySelector(".term").replaceChildren(spoken(", cost term "), num(result.cost_terms[d]));
      const nudge = row.querySelector(".nudge");
      nudge.replaceChildren(
        spoken(", nudge "),
        `${nudges[d] >= 0 ? "\u25B2" : "\u25BC"} ${signed(nudges[d])}`
      );
      nudge.className = `nudge ${nudges[d] >= 0 ? "up" : "down"}`;
    });
    this.costSum.textContent = `C = \u03A3 of the terms = ${num(result.cost, 5)}   (answer ${best}, label ${label})`;
    signedBars(this.nudgeCanvas, nudges, {
      labels: [...Array(nudges.length).keys()],
      highlight: label
    });
    this.nudgeCanvas.setAttribute(
      "aria-label",
      `desired nudges: ${Array.from(nudges, (v, d) => `${d}: ${signed(v)}`).join(", ")}`
    );
  }
  chooseNeuron(d) {
    this.neuron = d;
    this.update();
  }
  showWays(result, j) {
    const L = this.model.sizes.length - 1;
    const delta = result.deltas[L - 1][j];
    const prev = result.activations[L - 1];
    const nIn = prev.length;
    const W = this.working.weights[L - 1];
    const nudge = result.nudges[L - 1][j];
    const softmax2 = this.model.cost === "cross-entropy";
    this.waysTitle.textContent = `Output ${j} wants to move by ${signed(nudge)} (${nudge >= 0 ? "up" : "down"}); through \u03C3\u2032 that asks its z to move by \u2212\u03B4 = ${signed(-delta)}${softmax2 ? " (softmax: \u03B4\u2C7C = a\u2C7C \u2212 y\u2C7C)" : ` = \u2212\u03C3\u2032(z) \xB7 \u2202C/\u2202a`}.`;
    this.waysBias.textContent = `\u2212\u2202C/\u2202b${sub(j)} = \u2212\u03B4${sub(j)} = ${signed(-delta)}: the bias moves z one for one, whatever the input.`;
    const weightWish = Array.from(prev, (a) => -delta * a);
    const activationWish = Array.from({ length: nIn }, (_, k) => -W[j * nIn + k] * delta);
    const labels = [...Array(nIn).keys()];
    this.weightBars = { j, nIn };
    this.addFrom.max = String(nIn - 1);
    signedBars(this.waysWeights, weightWish, { labels });
    stripUnder(this.waysWeights, prev, (v) => gray(v));
    signedBars(this.waysActivations, activationWish, { labels });
    const wTop = Math.max(
      1e-12,
      ...Array.from({ length: nIn }, (_, k) => Math.abs(W[j * nIn + k]))
    );
    stripUnder(
      this.waysActivations,
      Array.from({ length: nIn }, (_, k) => W[j * nIn + k]),
      (w) => rgb(w >= 0 ? GREEN : RED, Math.abs(w) / wTop)
    );
    const brightest = argmax(prev);
    const strongest = argmax(Array.from({ length: nIn }, (_, k) => Math.abs(W[j * nIn + k])));
    this.waysWeightsText.textContent = `\u2212\u2202C/\u2202w${sub(j)}\u2096 = \u2212\u03B4 \xB7 a\u2096. The squares under the bars are the a\u2096: the brightest neuron (${brightest}, a = ${num(prev[brightest], 3)}) gets the biggest change: fire together, wire together. Click a bar, or name its neuron below, to add that weight to the averaging table.`;
    this.waysActivationsText.textContent = `\u2212w${sub(j)}\u2096 \xB7 \u03B4: the squares are the weights w${sub(j)}\u2096 (green +, red \u2212); the strongest (from ${strongest}) asks its neuron for the biggest change. The previous layer cannot be moved directly: these wishes are passed back.`;
    this.waysWeights.setAttribute(
      "aria-label",
      `desired changes of output ${j}'s weights: ${weightWish.map((v, k) => `${k}: ${signed(v)}`).join(", ")}`
    );
    this.waysActivations.setAttribute(
      "aria-label",
      `output ${j}'s wishes for the previous activations: ${activationWish.map((v, k) => `${k}: ${signed(v)}`).join(", ")}`
    );
  }
  clickWeight(e) {
    if (!this.weightBars) return;
    const rect = this.waysWeights.getBoundingClientRect();
    this.addWeight(Math.floor((e.clientX - rect.left) / rect.width * this.weightBars.nIn));
  }
  /** The weight from neuron k into the output shown joins the averaging table's rows. */
  addWeight(k) {
    if (!this.weightBars || !(k >= 0 && k < this.weightBars.nIn)) return;
    const L = this.model.sizes.length - 1;
    const param = { kind: "weight", layer: L, to: this.weightBars.j, from: k };
    if (!this.clicked.some((p) => p.to === param.to && p.from === param.from))
      this.clicked.push(param);
    this.averageStatus.textContent = `Added the weight from neuron ${k} into output ${param.to}; press \u201CAverage over a mini-batch\u201D.`;
  }
  // One figure per hidden layer (made once per model): a stacked chart of the wishes of the
  // neurons it feeds, their colours, and the largest nudge.
  buildSums() {
    const L = this.model.sizes.length - 1;
    this.sumCharts = [];
    const blocks = [];
    for (let l = L - 1; l >= 1; l--) {
      const n = this.model.sizes[l + 1];
      const above = l + 1 === L ? "output" : `hidden ${l + 1}`;
      const colors = Array.from(
        { length: n },
        (_, j) => n <= PALETTE.length ? PALETTE[j] : `hsl(${360 * j / n}, 70%, 62%)`
      );
      const canvas = el("canvas", { className: "chart", role: "img" });
      const largest2 = el("p", { className: "muted" });
      const back = l < L - 1 ? " (propagated backwards)" : "";
      blocks.push(
        el(
          "figure",
          { className: "chart-figure" },
          el(
            "figcaption",
            {},
            `hidden layer ${l}: each neuron's nudge as the sum of the wishes of the ${n} ${above} neurons it feeds${back}`
          ),
          canvas,
          n <= PALETTE.length ? legend(
            colors.map((color, j) => ({
              color,
              label: `${above === "output" ? "digit" : "neuron"} ${j}`
            }))
          ) : el(
            "p",
            { className: "muted" },
            `one colour for each of the ${n} neurons of ${above}`
          ),
          largest2
        )
      );
      this.sumCharts.push({ l, canvas, largest: largest2, colors });
    }
    this.sums.replaceChildren(...blocks);
  }
  showSums(result) {
    for (const { l, canvas, largest: largest2, colors } of this.sumCharts) {
      const rows = result.contributions[l - 1];
      const wishes2 = rows.map((row) => Array.from(row, (v) => -v));
      const totals = result.nudges[l - 1];
      const biggest = argmax(Array.from(totals, Math.abs));
      stacked(canvas, wishes2, totals, colors);
      largest2.textContent = `Largest: neuron ${biggest} asked to move by ${signed(totals[biggest])}.`;
      canvas.setAttribute(
        "aria-label",
        `hidden layer ${l} nudges: ${Array.from(totals, (v, k) => `${k}: ${signed(v)}`).join(", ")}`
      );
    }
  }
  // The first layer's pairs (made once per model): its current weights beside the changes.
  buildFirstLayer() {
    const n = Math.min(this.model.sizes[1], FIRST_LAYER_SHOWN);
    this.pairs = [];
    this.weightsDrawn = null;
    if (this.model.sizes[0] !== PIXELS) {
      this.firstLayer.replaceChildren(
        el("p", { className: "muted" }, "Only 28\xD728 inputs are drawn as grids.")
      );
      return;
    }
    for (let j = 0; j < n; j++) {
      const now = el("canvas", {
        role: "img",
        "aria-label": `neuron ${j} of hidden layer 1: its weights`
      });
      const wish = el("canvas", {
        role: "img",
        "aria-label": `neuron ${j} of hidden layer 1: its desired changes`
      });
      const caption = el("figcaption");
      this.pairs.push({ now, wish, caption });
    }
    this.firstLayer.replaceChildren(
      ...this.pairs.map(
        ({ now, wish, caption }) => el(
          "figure",
          { className: "pair" },
          now,
          wish,
          el("span", { "aria-hidden": "true" }, "weights"),
          el("span", { "aria-hidden": "true" }, "change"),
          caption
        )
      )
    );
  }
  showFirstLayer(result) {
    if (!this.pairs.length) return;
    const g = result.grad_weights[0];
    const nIn = this.model.sizes[0];
    const change2 = new Float64Array(this.pairs.length * nIn);
    let top = 1e-12;
    for (let i = 0; i < change2.length; i++) {
      change2[i] = -g[i];
      top = Math.max(top, Math.abs(g[i]));
    }
    const redraw = this.weightsDrawn !== this.working;
    this.pairs.forEach(({ now, wish, caption }, j) => {
      if (redraw) drawSigned(now, this.working.weights[0], j * nIn);
      drawSigned(wish, change2, j * nIn, top);
      caption.textContent = `neuron ${j}: \u2212\u03B4 = ${signed(-result.deltas[0][j], 2)}`;
    });
    this.weightsDrawn = this.working;
  }
  // ---- the step -------------------------------------------------------------------------
  takeStep() {
    const eta = Number(this.eta.value);
    if (!(eta > 0) || !Number.isFinite(eta)) {
      this.stepStatus.textContent = "\u03B7 must be a positive number.";
      return;
    }
    const label = this.currentLabel();
    const before = this.working;
    const result = backprop(before, this.example.x, label);
    this.working = takeStep(before, result, eta);
    this.steps += 1;
    this.lastStep = { before, after: this.working, eta, label };
    this.reset.disabled = false;
    this.update();
  }
  backToLoaded() {
    this.working = this.model;
    this.steps = 0;
    this.lastStep = null;
    this.reset.disabled = true;
    this.update();
  }
  showStep(result, label) {
    const s = this.lastStep;
    if (!s) {
      this.stepStatus.textContent = this.steps ? `${counted(this.steps, "step")} taken here; choose the example again or take another.` : "No step taken yet: the outputs above are the loaded model's.";
      const now2 = result.activations.at(-1);
      pairedBars(this.stepChart, [{ values: now2, color: "#8fa3c7" }], [...now2.keys()]);
      this.stepLegend.replaceChildren(legend([{ color: "#8fa3c7", label: "the outputs now" }]));
      this.showOthers(null);
      return;
    }
    const x = this.example.x;
    const outBefore = forwardAll(s.before, x).activations.at(-1);
    const outAfter = forwardAll(s.after, x).activations.at(-1);
    const cost2 = (out) => costTerms(this.model, out, oneHot(s.label, out.length)).reduce((t, v) => t + v, 0);
    const [was, now] = [outBefore[s.label], outAfter[s.label]];
    let why = "";
    if (now < was && this.model.cost !== "cross-entropy") {
      const sp = was * (1 - was);
      why = ` It fell: output ${s.label} is nearly saturated (\u03C3\u2032(z) = a(1 \u2212 a) = ${num(sp, 4)}), so its own wish moved it little, while the other outputs' wishes, sent back through the hidden layers they share, moved it the other way. Take another step.`;
    } else if (now < was) {
      why = ` It fell: the other outputs' wishes, sent back through the hidden layers they share, outweighed its own. Take another step.`;
    }
    this.stepStatus.textContent = `Step ${this.steps} with \u03B7 = ${s.eta}: output ${s.label} went ${num(was, 4)} \u2192 ${num(now, 4)}; this example's cost ${num(cost2(outBefore), 4)} \u2192 ${num(cost2(outAfter), 4)}.${why}`;
    pairedBars(
      this.stepChart,
      [
        { values: outBefore, color: "#5d6b86" },
        { values: outAfter, color: "#ffd54a" }
      ],
      [...outBefore.keys()]
    );
    this.stepLegend.replaceChildren(
      legend([
        { color: "#5d6b86", label: `before step ${this.steps}` },
        { color: "#ffd54a", label: `after step ${this.steps}` }
      ])
    );
    this.showOthers(s);
  }
  async showOthers(s) {
    if (!this.others && this.example.served && !this.othersAsked) {
      this.othersAsked = true;
      try {
        const r = await this.example.api("/api/backprop/step", {
          method: "POST",
          body: { pixels: Array.from(this.example.x), label: this.currentLabel(), others: OTHERS }
        });
        this.others = r.others;
      } catch (e) {
        this.otherThumbs.replaceChildren(
          el("p", { className: "muted" }, `Held-out digits unavailable: ${e.message}`)
        );
        return;
      }
    }
    if (!this.others) {
      if (!this.example.served) {
        this.otherThumbs.replaceChildren(
          el("p", { className: "muted" }, "This page was exported without MNIST test digits.")
        );
      }
      return;
    }
    if (!this.otherFigures) {
      this.otherFigures = this.others.map((o) => {
        const x = Float64Array.from(o.pixels_255, (v) => v / 255);
        const canvas = el("canvas", { role: "img", "aria-label": `a held-out ${o.label}` });
        drawGray(canvas, x);
        const caption = el("figcaption");
        return {
          x,
          label: o.label,
          caption,
          figure: el("figure", { className: "thumb" }, canvas, caption)
        };
      });
      this.otherThumbs.replaceChildren(...this.otherFigures.map((f) => f.figure));
    }
    const shown = s ?? this.working;
    if (this.othersShown === shown) return;
    this.othersShown = shown;
    const after = s ? s.after : this.working;
    const before = s ? s.before : this.working;
    for (const { x, label, caption, figure } of this.otherFigures) {
      const a0 = forwardAll(before, x).activations.at(-1)[label];
      const a1 = s ? forwardAll(after, x).activations.at(-1)[label] : a0;
      caption.textContent = `${label}: ${s ? `${num(a0, 2)} \u2192 ${num(a1, 2)}` : num(a0, 2)}`;
      figure.className = `thumb ${!s || Math.abs(a1 - a0) < 5e-4 ? "" : a1 > a0 ? "up" : "down"}`;
    }
  }
  // ---- averaging (server) ----------------------------------------------------------------
  async average() {
    this.averageStatus.textContent = "Computing every example's gradient\u2026";
    const [model, x] = [this.model, this.example.x];
    try {
      const r = await this.example.api("/api/averaging", {
        method: "POST",
        body: {
          batch_size: Number(this.batchSize.value),
          seed: Math.floor(Math.random() * 1e5),
          pixels: Array.from(this.example.x),
          label: this.currentLabel(),
          top: 8,
          params: this.clicked
        }
      });
      if (model !== this.model || x !== this.example.x) return;
      this.averageStatus.textContent = `${r.examples.length} examples; rows ranked by ${r.ranked_by}; cost: ${r.cost_function}.`;
      this.averageTable.replaceChildren(averagingTable(r));
    } catch (e) {
      this.averageStatus.textContent = `Failed: ${e.message}`;
    }
  }
  async cosine() {
    const started = performance.now();
    const progress = el("progress", { "aria-label": "Measuring" });
    const clock = el("span", {});
    const tick = () => clock.textContent = ` ${Math.round((performance.now() - started) / 1e3)} s`;
    tick();
    const timer = setInterval(tick, 1e3);
    this.cosineButton.disabled = true;
    this.cosineStatus.replaceChildren(
      progress,
      " Measuring: random mini-batches of each size, each compared with the gradient of the whole training set (7\u201320 s the first time, then remembered);",
      clock
    );
    const model = this.model;
    try {
      let sizes = [1, 10, 100, 1e3];
      let r = null;
      while (!r) {
        try {
          r = await this.example.api("/api/gradient/cosine", {
            method: "POST",
            body: { batch_sizes: sizes, draws: 50 }
          });
        } catch (e) {
          if (e.status !== 409 || sizes.length <= 2) throw e;
          sizes = sizes.slice(0, -1);
        }
      }
      if (model !== this.model) return;
      this.cosineStatus.textContent = cosineMeaning(r);
      const points = r.cosine.map((c) => [c.batch_size, c.mean]);
      this.cosineChart.hidden = false;
      const colour = SERIES[1];
      lineChart(
        this.cosineChart,
        [
          { points, color: colour, dots: true, label: `mean of ${r.draws} random batches` },
          {
            points: r.cosine.map((c) => [c.batch_size, c.mean + c.std]),
            color: colour,
            dash: [2, 3],
            width: 1,
            label: "\xB1 one standard deviation"
          },
          {
            points: r.cosine.map((c) => [c.batch_size, Math.max(c.mean - c.std, -1)]),
            color: colour,
            dash: [2, 3],
            width: 1
          }
        ],
        { xLabel: "mini-batch size", yLabel: "cosine", logX: true, yRange: [0, 1] }
      );
      this.cosineChart.dataset.points = String(points.length);
    } catch (e) {
      this.cosineStatus.textContent = `Failed: ${e.message}`;
    } finally {
      clearInterval(timer);
      this.cosineButton.disabled = false;
    }
  }
};
function cosineMeaning(r) {
  const angle = (c) => `${Math.round(Math.acos(Math.min(1, Math.max(-1, c))) * 180 / Math.PI)}\xB0`;
  const said = r.cosine.map((c) => `${count(c.batch_size)}: cos ${value(c.mean)} (${angle(c.mean)} off)`).join("; ");
  return `The video calls a mini-batch's gradient "a pretty good approximation" of the whole set's. Measured against the gradient of ${count(r.n_images)} training images (1 = the same direction, 0 = no better than a random one), mean over ${r.draws} random batches of each size \u2014 ${said}. These are the served model's: near its minimum the whole set's gradient is small and a batch's is mostly the pull of its own few examples, so a batch aims far better early in training, where the video's words are about.`;
}
var gray = (v) => {
  const g = Math.round(40 + 215 * Math.min(1, Math.max(0, v)));
  return `rgb(${g},${g},${g})`;
};
function stripUnder(canvas, values, color) {
  const sized = {
    ctx: canvas.getContext("2d"),
    width: canvas.clientWidth,
    height: canvas.clientHeight
  };
  if (!sized.width) return;
  const slot = sized.width / values.length;
  const size = Math.min(12, slot * 0.6);
  values.forEach((v, i) => {
    sized.ctx.fillStyle = color(v);
    sized.ctx.fillRect(slot * (i + 0.5) - size / 2, sized.height - 18 - size - 2, size, size);
  });
}
function stacked(canvas, wishes2, totals, colors) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const n = totals.length;
  let top = 1e-12;
  for (let k = 0; k < n; k++) {
    let up2 = 0;
    let down2 = 0;
    for (const row of wishes2) row[k] > 0 ? up2 += row[k] : down2 -= row[k];
    top = Math.max(top, up2, down2);
  }
  const bottom = 18;
  const mid = (height - bottom) / 2;
  const scale = (mid - 6) / top;
  const slot = width / n;
  const bar = slot * 0.6;
  ctx.strokeStyle = "#3a4660";
  ctx.beginPath();
  ctx.moveTo(0, mid);
  ctx.lineTo(width, mid);
  ctx.stroke();
  const xs = Array.from({ length: n }, (_, k) => slot * k + (slot - bar) / 2);
  const up = new Float64Array(n).fill(mid);
  const down = new Float64Array(n).fill(mid);
  wishes2.forEach((row, j) => {
    ctx.fillStyle = colors[j];
    ctx.beginPath();
    for (let k = 0; k < n; k++) {
      const h = Math.abs(row[k]) * scale;
      let y = down[k];
      if (row[k] >= 0) y = up[k] -= h;
      else down[k] += h;
      if (h >= 0.05) ctx.rect(xs[k], y, bar, h);
    }
    ctx.fill();
  });
  ctx.fillStyle = "#ffffff";
  for (let k = 0; k < n; k++) ctx.fillRect(xs[k] - 3, mid - totals[k] * scale - 1.5, bar + 6, 3);
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillStyle = "#93a0b8";
  for (let k = 0; k < n; k += labelEvery(slot))
    ctx.fillText(String(k), slot * (k + 0.5), height - 4);
  ctx.textAlign = "left";
  ctx.fillText(`\xB1${value(top)}`, 4, 12);
}
function averagingTable(r) {
  const table2 = el("table", { className: "averaging" });
  const head = el("tr", {}, el("th", { textContent: "parameter" }));
  for (const ex of r.examples) {
    const canvas = el("canvas", {
      role: "img",
      "aria-label": ex.split === "drawing" ? "your drawing" : `training image ${ex.index}`
    });
    drawGray(canvas, ex.pixels_255, 255);
    head.append(
      el(
        "th",
        {},
        canvas,
        el("div", {
          textContent: `${ex.split === "drawing" ? "drawing" : "#" + ex.index}: ${ex.label}`
        })
      )
    );
  }
  head.append(el("th", { className: "key", textContent: "average" }));
  table2.append(head);
  for (const row of r.rows) {
    const top = Math.max(1e-12, ...row.values.map(Math.abs));
    const tr = el("tr", {}, el("th", { scope: "row", textContent: row.name }));
    for (const v of row.values) {
      tr.append(
        el("td", {
          textContent: signed(v, 2),
          dataset: { value: String(v) },
          style: `background:${rgb(v >= 0 ? GREEN : RED, SHADE * Math.abs(v) / top)}`
        })
      );
    }
    const average2 = signed(row.average, 2);
    tr.append(
      el("td", {
        className: "avg key",
        textContent: average2,
        dataset: { value: String(row.average) }
      })
    );
    table2.append(tr);
  }
  return table2;
}

// src/digitnet/web/static/js/chain-math.js
var EPS = 1e-6;
function oneNeuronChain({ weights, biases, x, y, activation: activation2 = "sigmoid" }) {
  const result = chainExact(weights, biases, x, y, activation2);
  const measure = (costWith) => (costWith(EPS) - costWith(-EPS)) / (2 * EPS);
  const moved = (list, l, d) => list.map((v, i) => i === l ? v + d : v);
  const costOf = (w, b) => chainExact(w, b, x, y, activation2).cost;
  const chainFrom = [x, ...result.a];
  result.finite_difference = {
    dC_dw: weights.map((_, l) => measure((d) => costOf(moved(weights, l, d), biases))),
    dC_db: biases.map((_, l) => measure((d) => costOf(weights, moved(biases, l, d)))),
    dC_da: weights.map(
      (_, l) => measure((d) => cutAt(weights, biases, chainFrom, l + 1, d, y, activation2))
    ),
    dC_dx: measure((d) => cutAt(weights, biases, chainFrom, 0, d, y, activation2)),
    eps: EPS
  };
  return result;
}
function cutAt(weights, biases, activations, l, d, y, activation2) {
  let value2 = activations[l] + d;
  for (let i = l; i < weights.length; i++)
    value2 = squash(weights[i] * value2 + biases[i], i < weights.length - 1 && activation2);
  return (value2 - y) ** 2;
}
var squash = (z, activation2) => activation2 === "relu" ? Math.max(z, 0) : logistic(z);
function chainExact(weights, biases, x, y, activation2 = "sigmoid") {
  const n = weights.length;
  const relu2 = (i) => i < n - 1 && activation2 === "relu";
  const z = [];
  const a = [];
  let prev = x;
  for (let i = 0; i < n; i++) {
    z.push(weights[i] * prev + biases[i]);
    prev = squash(z[i], relu2(i) && "relu");
    a.push(prev);
  }
  const dC_dw = new Array(n);
  const dC_db = new Array(n);
  const dC_da = new Array(n);
  const factors = new Array(n);
  let upstream = 2 * (a[n - 1] - y);
  for (let i = n - 1; i >= 0; i--) {
    const sp = relu2(i) ? z[i] > 0 ? 1 : 0 : a[i] * (1 - a[i]);
    const aPrev = i === 0 ? x : a[i - 1];
    dC_da[i] = upstream;
    factors[i] = { layer: i + 1, a_prev: aPrev, sigma_prime: sp, dC_da: upstream, w: weights[i] };
    dC_dw[i] = aPrev * sp * upstream;
    dC_db[i] = sp * upstream;
    upstream = weights[i] * sp * upstream;
  }
  const cost2 = (a[n - 1] - y) ** 2;
  return { z, a, cost: cost2, dC_dw, dC_db, dC_da, dC_dx: upstream, factors, activation: activation2 };
}
function chainCost({ weights, biases, x, y }) {
  return chainExact(weights, biases, x, y).cost;
}
function pickChain(model, x, label, pick, result = backprop(model, x, label)) {
  const L = model.sizes.length - 1;
  const { activations, zs, dC_da, deltas } = result;
  const local = (l2, j) => {
    const delta = deltas[l2 - 1][j];
    if (l2 === L && model.cost === "cross-entropy") {
      return { sigma_prime: null, dC_da: null, delta };
    }
    const a = activations[l2][j];
    const sp = l2 === L ? a * (1 - a) : hiddenPrime(model, zs[l2 - 1][j], a);
    return { sigma_prime: sp, dC_da: dC_da[l2 - 1][j], delta };
  };
  const l = pick.layer;
  if (pick.kind === "weight" || pick.kind === "bias") {
    const nIn2 = model.sizes[l - 1];
    const weight = pick.kind === "weight";
    const first = weight ? { a_prev: activations[l - 1][pick.from] } : { one: 1 };
    const factors = { ...first, ...local(l, pick.to) };
    return {
      kind: pick.kind,
      value: weight ? model.weights[l - 1][pick.to * nIn2 + pick.from] : model.biases[l - 1][pick.to],
      cost: result.cost,
      derivative: weight ? result.grad_weights[l - 1][pick.to * nIn2 + pick.from] : deltas[l - 1][pick.to],
      finite_difference: nudgeParameter(model, x, label, pick),
      factors,
      product: (weight ? factors.a_prev : 1) * factors.delta
    };
  }
  const k = pick.neuron;
  const nIn = model.sizes[l];
  const W = model.weights[l];
  const paths2 = [];
  for (let j = 0; j < model.sizes[l + 1]; j++) {
    const w = W[j * nIn + k];
    const f = local(l + 1, j);
    paths2.push({ to: j, w, ...f, term: w * f.delta });
  }
  const sum = paths2.reduce((s, p) => s + p.term, 0);
  return {
    kind: "activation",
    value: activations[l][k],
    cost: result.cost,
    derivative: dC_da[l - 1][k],
    finite_difference: nudgeActivation(model, activations, label, l, k),
    paths: paths2,
    sum
  };
}
function nudgeParameter(model, x, label, pick) {
  const i = pick.layer - 1;
  const weight = pick.kind === "weight";
  const index = weight ? pick.to * model.sizes[i] + pick.from : pick.to;
  const list = weight ? model.weights : model.biases;
  const costWith = (d) => {
    const moved = Float64Array.from(list[i]);
    moved[index] += d;
    const replaced = list.map((v, n) => n === i ? moved : v);
    return exampleCost({ ...model, [weight ? "weights" : "biases"]: replaced }, x, label);
  };
  return (costWith(EPS) - costWith(-EPS)) / (2 * EPS);
}
function nudgeActivation(model, activations, label, l, k) {
  const above = {
    ...model,
    sizes: model.sizes.slice(l),
    weights: model.weights.slice(l),
    biases: model.biases.slice(l)
  };
  const y = oneHot(label, model.sizes[model.sizes.length - 1]);
  const costWith = (d) => {
    const a = Float64Array.from(activations[l]);
    a[k] += d;
    const out = forwardAll(above, a).activations;
    return costTerms(model, out[out.length - 1], y).reduce((s, v) => s + v, 0);
  };
  return (costWith(EPS) - costWith(-EPS)) / (2 * EPS);
}
function primeName(model, l) {
  return l < model.sizes.length - 1 && model.activation === "relu" ? "ReLU\u2032" : "\u03C3\u2032";
}
function outputDelta(model) {
  return model.cost === "cross-entropy" ? "\u03B4 = a \u2212 y" : "\u03B4 = \u03C3\u2032 \xB7 \u2202C/\u2202a";
}
function pickName(model, pick) {
  const L = model.sizes.length - 1;
  const neuron2 = (l, j) => `neuron ${j} of ${layerName(L, l)}`;
  if (pick.kind === "activation") return `activation of ${neuron2(pick.layer, pick.neuron)}`;
  if (pick.kind === "bias") return `bias of ${neuron2(pick.layer, pick.to)}`;
  const from = pick.layer === 1 && model.sizes[0] === PIXELS ? `pixel (row ${Math.floor(pick.from / SIDE)}, column ${pick.from % SIDE})` : neuron2(pick.layer - 1, pick.from);
  return `weight from ${from} to ${neuron2(pick.layer, pick.to)}`;
}
function layerName(L, l) {
  return l === 0 ? "the input layer" : l === L ? "the output layer" : `hidden layer ${l}`;
}
var DISC = 18;
function chainPictureLayout(width, texts, measure) {
  const widest = Math.max(...[...texts.weights, ...texts.acts].map(measure));
  const costWidth = Math.max(...texts.cost.map(measure));
  const links = texts.acts.length - 1;
  const step2 = (width - 40 - DISC - 12 - costWidth) / links;
  const widestWeight = Math.max(...texts.weights.map(measure));
  if (step2 >= widest + 10 && step2 >= widestWeight + 2 * DISC + 8) {
    const y = 49;
    const xs = texts.acts.map((_, i) => 40 + i * step2);
    return {
      vertical: false,
      height: 110,
      discs: xs.map((x2) => ({ x: x2, y })),
      labels: [
        ...texts.weights.map((text, i) => ({
          text,
          kind: "weight",
          x: (xs[i] + xs[i + 1]) / 2,
          y: y - 12,
          align: "center"
        })),
        ...texts.acts.map((text, i) => ({
          text,
          kind: "act",
          x: xs[i],
          y: y + 36,
          align: "center"
        })),
        { text: texts.cost[0], kind: "cost", x: xs[links] + DISC + 12, y: y - 4, align: "left" },
        { text: texts.cost[1], kind: "cost", x: xs[links] + DISC + 12, y: y + 14, align: "left" }
      ]
    };
  }
  const x = DISC + 10;
  const gap = 62;
  const ys = texts.acts.map((_, i) => DISC + 10 + i * gap);
  const below = ys[links] + DISC + 24;
  return {
    vertical: true,
    height: below + 24,
    discs: ys.map((y) => ({ x, y })),
    labels: [
      ...texts.acts.map((text, i) => ({
        text,
        kind: "act",
        x: x + DISC + 10,
        y: ys[i] + 4,
        align: "left"
      })),
      ...texts.weights.map((text, i) => ({
        text,
        kind: "weight",
        x: x + 10,
        y: (ys[i] + ys[i + 1]) / 2 + 5,
        align: "left"
      })),
      { text: texts.cost[0], kind: "cost", x: x - DISC, y: below, align: "left" },
      { text: texts.cost[1], kind: "cost", x: x - DISC, y: below + 18, align: "left" }
    ]
  };
}

// src/digitnet/web/static/js/gradient-math.js
function magnitudes(arrays) {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let i = 0;
  for (const a of arrays) for (let k = 0; k < a.length; k++) out[i++] = Math.abs(a[k]);
  return out;
}
function shares(gradWeights, gradBiases, ranked = null) {
  const groups = gradWeights.map((g, i) => ({ layer: i + 1, arrays: [g, gradBiases[i]] }));
  groups.push({ layer: "all", arrays: groups.flatMap((group2) => group2.arrays) });
  return groups.map(({ layer, arrays }) => {
    const abs = layer === "all" && ranked ? ranked : magnitudes(arrays).sort().reverse();
    const n = abs.length;
    let total2 = 0;
    let squares = 0;
    for (const v of abs) {
      total2 += v;
      squares += v * v;
    }
    const top = (fraction, power) => {
      const count2 = Math.max(1, Math.ceil(fraction * n));
      let s = 0;
      for (let i = 0; i < count2; i++) s += abs[i] ** power;
      const whole = power === 1 ? total2 : squares;
      return whole > 0 ? s / whole : 0;
    };
    let zeros = 0;
    for (const v of abs) if (v === 0) zeros += 1;
    return {
      layer,
      n,
      top1: top(0.01, 1),
      top10: top(0.1, 1),
      top1_sq: top(0.01, 2),
      top10_sq: top(0.1, 2),
      zero_fraction: zeros / n
    };
  });
}
function rankedMagnitudes(gradWeights, gradBiases) {
  return magnitudes([...gradWeights, ...gradBiases]).sort().reverse();
}
function gradientNorm(gradWeights, gradBiases) {
  let s = 0;
  for (const g of [...gradWeights, ...gradBiases]) for (const v of g) s += v * v;
  return Math.sqrt(s);
}
function lineSlice(model, x, label, result, tMax, points = 41) {
  const t = Array.from({ length: points }, (_, i) => tMax * i / (points - 1));
  const norm = gradientNorm(result.grad_weights, result.grad_biases);
  return { t, cost: t.map(sliceCost(model, x, label, result)), slope: -norm * norm };
}
function sliceCost(model, x, label, result) {
  const z1 = result.zs[0];
  const G = result.grad_weights[0];
  const nIn = model.sizes[0];
  const dz1 = Float64Array.from(result.grad_biases[0]);
  for (let j = 0; j < dz1.length; j++) {
    let s = 0;
    for (let k = 0, row = j * nIn; k < nIn; k++) s += G[row + k] * x[k];
    dz1[j] += s;
  }
  const above = { ...model, sizes: model.sizes.slice(1) };
  return (ti) => {
    const moved = moveAlong(model, result, ti, 1);
    const z = z1.map((v, j) => v - ti * dz1[j]);
    if (model.sizes.length === 2) return outputCost(model, z, label);
    const a = z.map((v) => model.activation === "relu" ? Math.max(v, 0) : logistic(v));
    const rest = { ...above, weights: moved.weights.slice(1), biases: moved.biases.slice(1) };
    return exampleCost(rest, a, label);
  };
}
function downhillSteps(f, slope0, eta, { steps = 3, tries = 24, samples = 24 } = {}) {
  const slopeAt = (t, h) => (f(t + h) - f(Math.max(0, t - h))) / (t + h - Math.max(0, t - h));
  const walk = (e) => {
    const r = e / Math.max(-slope0, 1e-300);
    const ts = [0];
    const costs = [f(0)];
    let downhill = true;
    for (let n = 0; n < steps; n++) {
      const t0 = ts[n];
      const next = n === 0 ? e : t0 - r * slopeAt(t0, e / 100);
      const c = f(next);
      let lowest = c;
      for (let i = 1; i < samples && next > t0; i++)
        lowest = Math.min(lowest, f(t0 + (next - t0) * i / samples));
      if (!(next > t0 && c < costs[n] && lowest >= c)) downhill = false;
      ts.push(next);
      costs.push(c);
    }
    return { eta: e, ts, costs, downhill };
  };
  let found = walk(eta);
  const first = found;
  for (let i = 0; i < tries && !found.downhill; i++) found = walk(found.eta / 2);
  const overshot = first.downhill ? null : { t: eta, cost: first.costs[1] };
  return { eta: found.eta, ts: found.ts, costs: found.costs, overshot, downhill: found.downhill };
}
function moveAlong(model, result, t, first = 0) {
  const move = (list, grads) => list.map((values, i) => {
    if (i < first) return values;
    const g = grads[i];
    const out = new Float64Array(values.length);
    for (let n = 0; n < out.length; n++) out[n] = values[n] - t * g[n];
    return out;
  });
  return {
    ...model,
    weights: move(model.weights, result.grad_weights),
    biases: move(model.biases, result.grad_biases)
  };
}
function overshoot(line2, eta, costAtEta) {
  const c0 = line2.cost[0];
  let lowest = 0;
  for (let i = 1; i < line2.cost.length; i++) if (line2.cost[i] < line2.cost[lowest]) lowest = i;
  let below = null;
  const back = line2.cost.findIndex((c, i) => i > 0 && c >= c0);
  if (back === 1)
    below = line2.t[1];
  else if (back > 1) {
    const [a, b] = [line2.cost[back - 1], line2.cost[back]];
    below = line2.t[back - 1] + (c0 - a) / (b - a) * (line2.t[back] - line2.t[back - 1]);
  }
  return { raises: costAtEta > c0, below, lowest: line2.t[lowest] };
}

// src/digitnet/web/static/js/place-labels.js
var apart = (a, b) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
function placeLabels(labels, width, height, measure, line2 = 14, avoid = []) {
  const placed = [...avoid];
  return labels.map((label) => {
    const w = measure(label.text);
    const x = Math.max(4, Math.min(label.x, width - w - 4));
    const boxAt = (y) => ({ left: x, right: x + w, top: y - line2 + 3, bottom: y + 3, y });
    const inside2 = (b) => b.top >= 0 && b.bottom <= height;
    let box = null;
    for (let k = 0; k <= 2 * Math.ceil(height / line2) && !box; k++) {
      const b = boxAt(label.y + (k % 2 ? -1 : 1) * Math.ceil(k / 2) * line2);
      if (inside2(b) && placed.every((p) => apart(p, b))) box = b;
    }
    box ??= boxAt(Math.min(height - 3, Math.max(line2 - 3, label.y)));
    placed.push(box);
    return { ...label, x, y: box.y };
  });
}

// src/digitnet/web/static/js/pick-diagram.js
var HIT = 5;
var PickDiagram = class _PickDiagram extends Diagram {
  /** A diagram on a new canvas described by ariaLabel; onPick(hit, event) on a click. */
  static inCanvas(ariaLabel, onPick = null) {
    const canvas = el("canvas", { className: "diagram", role: "img", "aria-label": ariaLabel });
    return new _PickDiagram(canvas, onPick);
  }
  constructor(canvas, onPick = null) {
    super(canvas);
    if (onPick) {
      canvas.addEventListener("click", (e) => {
        const rect = canvas.getBoundingClientRect();
        const hit = this.pickAt(e.clientX - rect.left, e.clientY - rect.top);
        if (hit) onPick(hit, e);
      });
      canvas.style.cursor = "pointer";
    }
  }
  /** Show, for every layer l of weights, the values (flat, n_l × n_{l−1}) on the edges. */
  showValues(values) {
    this.values = values;
    this.choose();
  }
  pickEdge(edge) {
    this.pickedEdge = edge;
    this.highlight = null;
    this.choose();
  }
  pickNeuron(layer, neuron2) {
    this.pickedEdge = null;
    this.setHighlight(layer, neuron2);
  }
  draw() {
    super.draw();
    if (!this.sized || !this.model || !this.pickedEdge) return;
    const { layer, to, from } = this.pickedEdge;
    const geo = this.layout(this.sized.width, this.sized.height);
    const end = geo.at(layer, to);
    const start = geo.at(layer - 1, from);
    if (!end || !start) return;
    const { ctx } = this.sized;
    ctx.strokeStyle = "#4fc3ff";
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(start.x, start.y);
    ctx.lineTo(end.x, end.y);
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  /** What is at (x, y) in CSS pixels: {kind: "neuron", layer, neuron} | {kind: "edge", layer,
   * to, from} | {kind: "pixel", index}, or null. */
  pickAt(x, y) {
    if (!this.sized || !this.model) return null;
    const geo = this.layout(this.sized.width, this.sized.height);
    for (const [c, column] of geo.columns.entries()) {
      for (const [j, disc] of column) {
        if (Math.hypot(x - disc.x, y - disc.y) <= disc.r + HIT)
          return { kind: "neuron", layer: c + 1, neuron: j };
      }
    }
    const { grid } = geo;
    if (x >= grid.x && x < grid.x + grid.size && y >= grid.y && y < grid.y + grid.size) {
      const index = Math.floor((y - grid.y) / grid.cell) * SIDE + Math.floor((x - grid.x) / grid.cell);
      return { kind: "pixel", index };
    }
    let best = null;
    let bestDistance = HIT;
    this.edges.forEach((layer, l) => {
      for (const { to: j, incoming } of layer) {
        for (const [i] of incoming) {
          const d = segmentDistance(x, y, geo.at(l, i), geo.at(l + 1, j));
          if (d < bestDistance) {
            bestDistance = d;
            best = { kind: "edge", layer: l + 1, to: j, from: i };
          }
        }
      }
    });
    return best;
  }
};
function segmentDistance(x, y, p, q) {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const t = Math.max(0, Math.min(1, ((x - p.x) * dx + (y - p.y) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (p.x + t * dx), y - (p.y + t * dy));
}
var PickInputs = class {
  constructor(onChange, testid) {
    this.layer = el("select", { dataset: { testid: `${testid}-layer` } });
    const number = (part) => ({
      type: "number",
      min: 0,
      value: 0,
      dataset: { testid: `${testid}-${part}` }
    });
    this.to = el("input", number("neuron"));
    this.from = el("input", number("from"));
    this.fromName = el("span", { textContent: "from neuron" });
    this.fromLabel = el("label", {}, this.fromName, " ", this.from);
    this.labels = [
      el("label", {}, "in ", this.layer),
      el("label", {}, "neuron ", this.to),
      this.fromLabel
    ];
    for (const input of [this.layer, this.to, this.from])
      input.addEventListener("change", (e) => onChange(e));
  }
  show(model, pick) {
    const { sizes } = model;
    const L = sizes.length - 1;
    const last = pick.kind === "activation" ? L - 1 : L;
    const names = Array.from({ length: last }, (_, i) => layerName(L, i + 1));
    if (Array.from(this.layer.options, (o) => o.text).join() !== names.join()) {
      this.layer.replaceChildren(...names.map((name, i) => new Option(name, String(i + 1))));
    }
    this.model = model;
    this.layer.value = String(pick.layer);
    this.to.value = String(pick.kind === "activation" ? pick.neuron : pick.to);
    this.to.max = String(sizes[pick.layer] - 1);
    this.from.value = String(pick.from ?? 0);
    this.from.max = String(sizes[pick.layer - 1] - 1);
    this.fromLabel.hidden = pick.kind !== "weight";
    this.fromName.textContent = pick.layer === 1 && sizes[0] === PIXELS ? "from pixel" : "from neuron";
  }
  read(kind2) {
    const { sizes } = this.model;
    const L = sizes.length - 1;
    const layer = clamp(Number(this.layer.value), 1, kind2 === "activation" ? L - 1 : L);
    const to = clamp(Number(this.to.value), 0, sizes[layer] - 1);
    const from = clamp(Number(this.from.value), 0, sizes[layer - 1] - 1);
    if (kind2 === "weight") return { kind: kind2, layer, to, from };
    return kind2 === "bias" ? { kind: kind2, layer, to } : { kind: kind2, layer, neuron: to };
  }
};
function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, Number.isFinite(v) ? Math.round(v) : lo));
}

// src/digitnet/web/static/js/contour.js
function isolines(values, width, height, level) {
  const inside2 = (i, j) => values[j * width + i] >= level;
  const points = /* @__PURE__ */ new Map();
  const links = /* @__PURE__ */ new Map();
  const crossing = (kind2, i, j) => {
    const key = `${kind2}${j * width + i}`;
    if (!points.has(key)) {
      const [i1, j1] = kind2 === "h" ? [i + 1, j] : [i, j + 1];
      const v0 = values[j * width + i];
      const t = (level - v0) / (values[j1 * width + i1] - v0);
      points.set(key, [i + t * (i1 - i), j + t * (j1 - j)]);
      links.set(key, []);
    }
    return key;
  };
  const join = (a, b) => {
    links.get(a).push(b);
    links.get(b).push(a);
  };
  for (let j = 0; j + 1 < height; j++) {
    for (let i = 0; i + 1 < width; i++) {
      const corner = [inside2(i, j), inside2(i + 1, j), inside2(i + 1, j + 1), inside2(i, j + 1)];
      const edges = [
        ["h", i, j],
        ["v", i + 1, j],
        ["h", i, j + 1],
        ["v", i, j]
      ];
      const crossed = [0, 1, 2, 3].filter((k) => corner[k] !== corner[(k + 1) % 4]);
      if (!crossed.length) continue;
      const key = (k) => crossing(...edges[k]);
      if (crossed.length === 2) {
        join(key(crossed[0]), key(crossed[1]));
      } else {
        const first = corner[0] ? 0 : 1;
        join(key(first), key((first + 3) % 4));
        join(key(first + 1), key(first + 2));
      }
    }
  }
  return chains(points, links);
}
function chains(points, links) {
  const lines = [];
  const used = /* @__PURE__ */ new Set();
  const walk = (start) => {
    const line2 = [points.get(start)];
    used.add(start);
    let [previous, here] = [null, start];
    for (; ; ) {
      const next = links.get(here).find((k) => k !== previous && (!used.has(k) || k === start));
      if (next === void 0) break;
      line2.push(points.get(next));
      if (next === start) break;
      used.add(next);
      [previous, here] = [here, next];
    }
    lines.push(line2);
  };
  for (const [key, to] of links) if (to.length === 1 && !used.has(key)) walk(key);
  for (const key of links.keys()) if (!used.has(key)) walk(key);
  return lines;
}

// src/digitnet/web/static/js/slice.js
function paintSlice(ctx, r, { left, top, width, height }) {
  const { alphas, betas, cost: cost2 } = r;
  const [a0, a1] = [alphas[0], alphas.at(-1)];
  const [b0, b1] = [betas[0], betas.at(-1)];
  const toX = (a) => left + (a - a0) / (a1 - a0) * width;
  const toY = (b) => top + (1 - (b - b0) / (b1 - b0)) * height;
  const at = (i, j) => cost2[i][j] ?? r.max_cost;
  const lo = Math.log(Math.max(r.min_cost, 1e-9));
  const hi = Math.log(Math.max(r.max_cost, r.min_cost * 1.0001, 1e-9));
  const [na, nb] = [alphas.length, betas.length];
  const tiny = document.createElement("canvas");
  tiny.width = na;
  tiny.height = nb;
  const tctx = tiny.getContext("2d");
  const img = tctx.createImageData(na, nb);
  for (let i = 0; i < nb; i++) {
    for (let j = 0; j < na; j++) {
      const t = (Math.log(Math.max(at(i, j), 1e-9)) - lo) / (hi - lo || 1);
      img.data.set([...heat(t), 255], 4 * ((nb - 1 - i) * na + j));
    }
  }
  tctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tiny, 0.5, 0.5, na - 1, nb - 1, left, top, width, height);
  const da = (a1 - a0) / (na - 1);
  const db = (b1 - b0) / (nb - 1);
  const values = cost2.flatMap((row, i) => row.map((_, j) => at(i, j)));
  ctx.strokeStyle = "rgba(255,255,255,0.45)";
  ctx.lineWidth = 1;
  for (const level of r.levels || []) {
    ctx.beginPath();
    for (const line2 of isolines(values, na, nb, level))
      line2.forEach(([j, i], k) => {
        const [x, y] = [toX(a0 + j * da), toY(b0 + i * db)];
        if (k) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
    ctx.stroke();
  }
  ctx.strokeStyle = "#3a4660";
  ctx.strokeRect(left, top, width, height);
}
function outlined(ctx, text, x, y, color) {
  ctx.textAlign = "left";
  ctx.lineWidth = 3;
  ctx.strokeStyle = "rgba(11,15,23,0.85)";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.lineWidth = 1;
}
function heat(t) {
  const s = Math.min(1, Math.max(0, t));
  const stops = [
    [13, 27, 62],
    [25, 110, 140],
    [90, 190, 120],
    [250, 220, 90]
  ];
  const x = s * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
}

// src/digitnet/web/static/js/gradient.js
var TOP_LISTED = 10;
var DIRECTIONS = [
  ["random", "two random directions (filter-normalised)"],
  ["path", "the recorded training path's principal plane"],
  ["optimizers", "four optimizers from the same start"]
];
var PATH_COLOURS = [0, 1, 4, 5, 6].map((i) => SERIES[i]);
var pathColor = (i) => PATH_COLOURS[i % PATH_COLOURS.length];
var GradientView = class {
  constructor(root, example) {
    this.root = root;
    this.example = example;
    this.model = null;
    this.batch = null;
    this.latency = new Latency();
    this.build();
    example.onChange(() => {
      this.batch = null;
      this.scope.value = "example";
      this.showScope();
      this.update();
    });
    whenShown(root, () => this.update());
  }
  build() {
    const served = this.example.served;
    this.convention = el("p", { className: "convention" });
    this.label = labelPicker(
      "gradient-label",
      (d, e) => this.latency.measure(e, () => this.example.setLabel(d))
    );
    this.scope = el(
      "select",
      {},
      new Option("this example", "example"),
      ...served ? [new Option("a mini-batch of random training images", "batch")] : []
    );
    this.batchSize = el("input", { type: "number", min: 1, max: 1e3, value: 100 });
    this.batchSizeLabel = el("label", { hidden: true }, "images ", this.batchSize);
    this.scopeStatus = el("span", { className: "muted", "aria-live": "polite" });
    this.scope.addEventListener("change", () => this.chooseScope());
    this.batchSize.addEventListener("change", () => this.chooseScope());
    this.summary = el("p", { "aria-live": "polite", dataset: { testid: "gradient-summary" } });
    this.rankChart = el("canvas", {
      className: "chart",
      role: "img",
      "aria-label": "Every component of the gradient, |\u2202C/\u2202\u03B8| against its rank, largest first (the table beside gives the numbers)"
    });
    this.sharesTable = el("table", { className: "shares" });
    this.topList = el("ol", { className: "top-list" });
    const ranked = section(
      "Which knobs matter: the components ranked by size",
      "The gradient has one component per weight and bias. Sorted by size, a few matter a lot and most hardly at all (a weight from a black pixel gets exactly none). The table gives the share of each layer's total |\u2202C/\u2202\u03B8| held by its largest 1% and 10%.",
      el(
        "div",
        { className: "gd-ranked" },
        el(
          "figure",
          { className: "chart-figure" },
          this.rankChart,
          this.zerosNote = el("figcaption", { hidden: true })
        ),
        el(
          "div",
          {},
          scroller("Each layer's share of the gradient", this.sharesTable),
          el("h3", {
            className: "minor",
            textContent: "the largest components, as desired changes \u2212\u2202C/\u2202\u03B8"
          }),
          el("p", {
            className: "muted",
            textContent: "+ (green) to grow, \u2212 (red) to shrink: the diagram's colours."
          }),
          this.topList
        )
      )
    );
    this.diagram = PickDiagram.inCanvas(
      "The network, each neuron's incoming edges with the largest desired changes: green to grow, red to shrink",
      (hit, e) => this.latency.measure(e, () => this.pickEdge(hit))
    );
    this.edgePick = new PickInputs(
      (e) => this.latency.measure(
        e,
        () => this.pickEdge({ kind: "edge", ...this.edgePick.read("weight") })
      ),
      "gradient-edge"
    );
    this.edgeInfo = el("p", {
      className: "muted",
      "aria-live": "polite",
      textContent: "Click an edge, or name a weight, to see its component."
    });
    this.grids = el("div", { className: "grids small" });
    const pictures = section(
      "Where the gradient points",
      "The diagram shows each neuron's incoming edges with the largest desired changes \u2212\u2202C/\u2202w, green to grow, red to shrink, brighter for bigger. Below, each neuron of hidden layer 1: its 784 components as a 28\xD728 grid, all on one scale.",
      this.diagram.canvas,
      el("div", { className: "buttons" }, "A weight: ", ...this.edgePick.labels),
      this.edgeInfo,
      this.grids
    );
    this.eta = el("input", {
      type: "number",
      min: 0,
      step: "any",
      value: 3,
      "aria-label": "Step size \u03B7"
    });
    this.eta.addEventListener("input", (e) => this.latency.measure(e, () => this.showSlice()));
    this.sliceChart = el("canvas", {
      className: "chart",
      role: "img",
      "aria-label": "The cost along the negative gradient against the step t, with its tangent line and the step \u03B7 marked (the text above gives the numbers)",
      dataset: { testid: "gradient-slice" }
    });
    this.sliceText = el("p", { "aria-live": "polite" });
    const slice2 = section(
      "One step along the negative gradient",
      "The real cost C(\u03B8 \u2212 t \u2207C) as t grows, beside its tangent line C(\u03B8) \u2212 t \u2016\u2207C\u2016\xB2. A step of learning rate \u03B7 moves to t = \u03B7: the steeper the slope, the longer the step. Where the curve leaves the tangent, a big \u03B7 overshoots the valley's floor and a small one stops short.",
      el("div", { className: "buttons" }, el("label", {}, "\u03B7 ", this.eta)),
      this.sliceText,
      this.sliceChart
    );
    this.landscapeKind = el("select", { "aria-label": "Directions of the slice" });
    this.landscapeOffer = el("p", { className: "muted" });
    this.landscapeImages = el("input", {
      type: "number",
      min: 100,
      max: 6e4,
      step: 100,
      "aria-label": "Training images in the cost"
    });
    this.landscapeButton = button("Draw the landscape", { dataset: { testid: "landscape-run" } });
    this.landscapeStatus = el("p", { className: "muted", "aria-live": "polite" });
    this.landscapeCanvas = el("canvas", {
      className: "landscape",
      role: "img",
      "aria-label": "The cost landscape: contours of the cost over a plane through the weights, with the training paths drawn on it (the text beside gives the numbers)",
      hidden: true,
      dataset: { testid: "landscape" }
    });
    this.landscapeFacts = el("div", {});
    this.pathCurves = el("canvas", {
      className: "chart",
      role: "img",
      hidden: true,
      // until a landscape with paths comes
      "aria-label": "Each path's true cost and the slice's value along the way",
      dataset: { testid: "landscape-curves" }
    });
    this.lineCurve = el("canvas", {
      className: "chart short",
      role: "img",
      "aria-label": "The cost along the straight line from the initial to the trained weights",
      hidden: true
    });
    this.landscapeButton.addEventListener("click", () => this.landscape());
    const landscape = section(
      "The cost landscape around the trained weights",
      "A 2-D slice of the real cost (training images, unshifted) through the model's weights \u03B8*: C(\u03B8* + \u03B1 d\u2081 + \u03B2 d\u2082), contours log-spaced; \u201Cfour optimizers\u201D centres it on the initial weights instead, where they all start. Paths are projected onto the slice: each path's true cost is given beside the slice's value where it ends and along the way (right), and a marker is hollow where the point lies off the plane by more than a tenth of the path's travel.",
      servedPart(
        served,
        [
          el("label", {}, "directions ", this.landscapeKind),
          el("label", {}, "images (default 10,000; optimizers 1,000) ", this.landscapeImages),
          this.landscapeButton
        ],
        [
          this.landscapeOffer,
          this.landscapeStatus,
          el(
            "div",
            { className: "gd-landscape" },
            this.landscapeCanvas,
            el("div", {}, this.landscapeFacts, this.pathCurves, this.lineCurve)
          )
        ],
        "The landscape needs the training images and some seconds of NumPy: run digitnet serve and open this view there.",
        { dataset: { testid: "landscape-offline" } }
      )
    );
    this.neuronPick = new PickInputs(() => this.neuronOut.replaceChildren(), "gradient-neuron");
    this.neuronButton = button("Show what it looks for");
    this.neuronOut = el("div", { "aria-live": "polite" });
    this.neuronButton.addEventListener("click", () => this.neuron());
    const neurons = section(
      "What the layers really look for",
      "The hope was that hidden layer 1 finds little edges and hidden layer 2 loops and lines. For any neuron: the test digits that excite it most (ranked by z, before the squashing), which labels they carry, and for a neuron of hidden layer 2 its incoming weights' combination of hidden layer 1's patterns.",
      servedPart(
        served,
        [...this.neuronPick.labels, this.neuronButton],
        [this.neuronOut],
        "Needs the test images: run digitnet serve and open this view there."
      )
    );
    this.top = this.example.topBar(
      this.label,
      el("label", {}, "Gradient of ", this.scope),
      this.batchSizeLabel,
      this.scopeStatus
    );
    this.root.replaceChildren(
      this.convention,
      this.top,
      this.summary,
      ranked,
      pictures,
      slice2,
      landscape,
      neurons
    );
  }
  setModel(model) {
    this.model = model;
    this.offerDirections(model.landscape_directions);
    this.batch = null;
    this.scope.value = "example";
    this.showScope();
    const L = model.sizes.length - 1;
    this.wish = null;
    this.edgePick.show(model, { kind: "weight", layer: L, to: 0, from: 0 });
    this.edgeInfo.textContent = "Click an edge, or name a weight, to see its component.";
    this.neuronPick.show(model, { kind: "bias", layer: Math.max(1, Math.min(2, L - 1)), to: 0 });
    this.neuronOut.replaceChildren();
    this.landscapeCanvas.hidden = true;
    this.landscapeFacts.replaceChildren();
    this.landscapeStatus.textContent = "";
    this.pathCurves.hidden = this.lineCurve.hidden = true;
    this.convention.textContent = `This model's cost: ${costName(model)}; the cost of a mini-batch is the mean over its examples. ${model.sizes.join("-")}: ${count(countParams(model.sizes))} weights and biases.`;
    this.diagram.setModel(model);
    this.grids.replaceChildren();
    this.update();
  }
  // A mini-batch's gradient has no one input or label: their choosers hide.
  showScope() {
    const batch = this.scope.value === "batch";
    this.batchSizeLabel.hidden = !batch;
    for (const part of this.top.querySelectorAll(".example-chooser, .label-pick"))
      part.hidden = batch;
  }
  async chooseScope() {
    this.showScope();
    if (this.scope.value === "example") {
      this.batch = null;
      this.update();
      return;
    }
    this.scopeStatus.textContent = "computing the mini-batch's gradient\u2026";
    const asked = this.model;
    try {
      const batch = await this.example.api("/api/gradient", {
        method: "POST",
        body: {
          batch: { size: Number(this.batchSize.value), seed: Math.floor(Math.random() * 1e5) },
          learning_rate: Number(this.eta.value) || 3,
          first_layer: true
        }
      });
      if (asked !== this.model || this.scope.value !== "batch") return;
      this.batch = batch;
      this.scopeStatus.textContent = `${batch.n_examples} random training images`;
      this.update();
    } catch (e) {
      this.scopeStatus.textContent = `Failed: ${e.message}`;
    }
  }
  /** The gradient shown: {gradWeights, gradBiases, cost, activations?, label?, n}. */
  gradient() {
    if (this.batch) {
      return {
        gradWeights: this.batch.grad_weights,
        gradBiases: this.batch.grad_biases,
        cost: this.batch.cost,
        n: this.batch.n_examples,
        label: null
      };
    }
    const x = this.example.x;
    const label = this.example.labelFor(this.model);
    const r = backprop(this.model, x, label);
    this.result = r;
    return {
      gradWeights: r.grad_weights,
      gradBiases: r.grad_biases,
      cost: r.cost,
      n: 1,
      label,
      result: r
    };
  }
  update() {
    if (!this.model || this.root.hidden) return;
    const g = this.gradient();
    this.current = g;
    if (g.label !== null) this.label.value = String(g.label);
    const flatW = g.gradWeights.map((W) => W ? Float64Array.from(W.flat ? W.flat() : W) : null);
    const flatB = g.gradBiases.map((b) => Float64Array.from(b));
    const norm = gradientNorm(flatW.filter(Boolean), flatB);
    this.summary.textContent = `${g.n === 1 ? `This example (label ${g.label})` : `These ${g.n} training images`}: C = ${value(g.cost)}, \u2016\u2207C\u2016 = ${value(norm)}.`;
    this.showRanked(flatW, flatB);
    this.showPictures(flatW, g);
    this.showSlice();
  }
  showRanked(flatW, flatB) {
    const sorted = rankedMagnitudes(flatW, flatB);
    const nonzero = sorted.findIndex((v) => v === 0);
    const last = nonzero < 0 ? sorted.length : nonzero;
    const points = [];
    for (let r = 1; r <= last; r = Math.max(r + 1, Math.round(r * 1.05)))
      points.push([r, sorted[r - 1]]);
    if (last > 0) points.push([last, sorted[last - 1]]);
    const zeros = sorted.length - last;
    lineChart(this.rankChart, [{ points, color: SERIES[1] }], {
      xLabel: "rank (1 = the largest)",
      yLabel: "|\u2202C/\u2202\u03B8|",
      logX: true,
      logY: true
    });
    this.zerosNote.textContent = zeros ? `The other ${count(zeros)} components are exactly 0: no place on a log scale.` : "";
    this.zerosNote.hidden = !zeros;
    const L = this.model.sizes.length - 1;
    const rows = shares(flatW, flatB, sorted);
    this.sharesTable.replaceChildren(
      el(
        "tr",
        {},
        ...["layer", "weights + biases", "top 1% hold", "top 10% hold"].map(
          (t) => el("th", { textContent: t })
        ),
        el("th", { className: "key", textContent: "exactly 0" })
      ),
      ...rows.map(
        (s) => el(
          "tr",
          { dataset: { testid: "gradient-share", layer: String(s.layer) } },
          el("th", {
            scope: "row",
            textContent: s.layer === "all" ? "all" : layerName(L, s.layer)
          }),
          el("td", { textContent: count(s.n) }),
          el("td", { textContent: percent(s.top1) }),
          el("td", { textContent: percent(s.top10) }),
          el("td", { className: "key", textContent: percent(s.zero_fraction) })
        )
      )
    );
    const top = largestComponents(flatW, flatB, this.model.sizes, TOP_LISTED);
    this.topList.replaceChildren(
      ...top.map(
        (p) => el(
          "li",
          {},
          `${pickName(this.model, p)}: \u2212\u2202C/\u2202\u03B8 = `,
          el("b", {
            className: p.value > 0 ? "down" : "up",
            textContent: change(-p.value)
          })
        )
      )
    );
  }
  showPictures(flatW, g) {
    const wish = flatW.map((W) => W.map((v) => -v));
    this.wish = wish;
    this.diagram.input = g.result ? this.example.x : new Float32Array(PIXELS);
    this.diagram.activations = g.result ? g.result.activations.slice(1) : null;
    this.diagram.showValues(wish);
    if (this.model.sizes[0] !== PIXELS) return;
    const n = Math.min(this.model.sizes[1], FIRST_LAYER_SHOWN);
    if (this.grids.children.length !== n) {
      this.grids.replaceChildren(
        ...Array.from(
          { length: n },
          (_, j) => el(
            "figure",
            {},
            el("canvas", { role: "img", "aria-label": `neuron ${j} of hidden layer 1: \u2212\u2202C/\u2202w` }),
            el("figcaption", { textContent: String(j) })
          )
        )
      );
    }
    let top = 1e-12;
    for (let i = 0; i < n * PIXELS; i++) top = Math.max(top, Math.abs(wish[0][i]));
    this.grids.querySelectorAll("canvas").forEach((canvas, j) => drawSigned(canvas, wish[0], j * PIXELS, top));
  }
  pickEdge(hit) {
    if (hit.kind !== "edge" || !this.wish) return;
    const nIn = this.model.sizes[hit.layer - 1];
    const v = -this.wish[hit.layer - 1][hit.to * nIn + hit.from];
    const all = rankedMagnitudes(this.wish, []);
    const rank = all.findIndex((m) => m <= Math.abs(v)) + 1;
    this.diagram.pickEdge({ layer: hit.layer, to: hit.to, from: hit.from });
    this.edgePick.show(this.model, { kind: "weight", ...hit });
    this.edgeInfo.textContent = `${pickName(this.model, { kind: "weight", ...hit })}: \u2202C/\u2202w = ${change(v)}, rank ${count(rank)} of ${count(all.length)} weights.`;
  }
  showSlice() {
    if (!this.current) return;
    const eta = Number(this.eta.value);
    if (!(eta > 0)) return;
    let line2;
    if (this.current.result) {
      line2 = lineSlice(
        this.model,
        this.example.x,
        this.current.label,
        this.current.result,
        2 * eta,
        41
      );
      line2.eta = eta;
      line2.cost_at_eta = line2.cost[20];
    } else {
      line2 = this.batch.line;
    }
    const c0 = line2.cost[0];
    const points = line2.t.map((t, i) => [t, line2.cost[i]]);
    const lowest = argmax(line2.cost.map((c) => -c));
    const tangent = line2.t.map((t) => [t, c0 + line2.slope * t]);
    const step2 = overshoot(line2, line2.eta, line2.cost_at_eta);
    const [curveColour, tangentColour, etaColour, lowColour] = [
      SERIES[7],
      SERIES[1],
      SERIES[0],
      SERIES[2]
    ];
    lineChart(
      this.sliceChart,
      [
        { points, color: curveColour, label: "the cost C(\u03B8 \u2212 t\u2207C)" },
        { points: tangent, color: tangentColour, dash: [5, 4], label: "its tangent at t = 0" }
      ],
      {
        xLabel: "t, the step's length along \u2212\u2207C",
        yLabel: "C",
        yRange: [Math.min(...line2.cost) * 0.9, Math.max(c0, ...line2.cost) * 1.05],
        marks: [
          {
            x: line2.eta,
            y: line2.cost_at_eta,
            color: step2.raises ? SERIES[5] : etaColour,
            label: `\u03B7 = ${setting(line2.eta)}${step2.raises ? ": overshoot" : ""}`
          },
          { x: line2.t[lowest], y: line2.cost[lowest], color: lowColour, radius: 4, label: "lowest" }
        ]
      }
    );
    const verdict = step2.raises ? `raises the cost: an overshoot. ${step2.below === null ? "" : `Any \u03B7 below ${value(step2.below)} would lower it along this line; `}the lowest point is at \u03B7 \u2248 ${value(step2.lowest)}` : line2.t[lowest] < line2.eta * 0.9 ? "lowers the cost but overshoots the lowest point, which comes before \u03B7" : line2.t[lowest] > line2.eta * 1.1 ? "undershoots: the cost still falls beyond \u03B7" : "lands near the lowest point of this line";
    this.sliceText.textContent = `At t = \u03B7 = ${setting(line2.eta)}: C = ${value(line2.cost_at_eta)} (from ${value(c0)}); the tangent predicted ${value(c0 + line2.slope * line2.eta)}. This step ${verdict}.`;
    this.sliceText.classList.toggle("overshoot", step2.raises);
    this.sliceChart.dataset.eta = String(line2.eta);
    this.sliceChart.dataset.overshoot = String(step2.raises);
  }
  // ---- the landscape ----------------------------------------------------------------------
  /** The slices this model can take: the recorded path's plane only when it has one. */
  offerDirections(available = ["random", "path", "optimizers"]) {
    const kept = this.landscapeKind.value;
    this.landscapeKind.replaceChildren(
      ...DIRECTIONS.filter(([value2]) => available.includes(value2)).map(
        ([value2, text]) => new Option(text, value2)
      )
    );
    if (available.includes(kept)) this.landscapeKind.value = kept;
    const missing = [];
    if (!available.includes("path"))
      missing.push("no recorded training path (train it with --record-path N to see one)");
    if (!available.includes("optimizers"))
      missing.push("no training config to rebuild its initial weights (no optimizer paths)");
    this.landscapeOffer.textContent = missing.length ? `This model has ${missing.join("; ")}.` : "";
    this.clearLandscape("");
  }
  /** No picture: the old one is not this model's or this request's. */
  clearLandscape(why) {
    this.landscapeData = null;
    this.landscapeCanvas.hidden = true;
    this.landscapeFacts.replaceChildren();
    this.pathCurves.hidden = this.lineCurve.hidden = true;
    this.landscapeStatus.textContent = why;
  }
  async landscape() {
    this.clearLandscape("Computing the cost on a 41\xD741 grid (cached once done)\u2026");
    this.landscapeButton.disabled = true;
    const started = performance.now();
    try {
      const body = { directions: this.landscapeKind.value, grid: 41 };
      if (this.landscapeImages.value) body.n_images = Number(this.landscapeImages.value);
      const asked = this.model;
      const r = await this.example.api("/api/landscape", { method: "POST", body });
      if (asked !== this.model) return;
      this.landscapeData = r;
      this.landscapeCanvas.dataset.paths = String(r.paths.length);
      this.landscapeCanvas.hidden = false;
      drawLandscape(this.landscapeCanvas, r);
      this.showLandscapeFacts(r);
      this.landscapeStatus.textContent = `${r.alphas.length}\xD7${r.betas.length} grid over ${count(r.n_images)} ${r.split} images; ${r.cost_function} cost, L2 ${r.l2_included ? "included" : "not included"}; ${seconds((performance.now() - started) / 1e3)} (server: ${seconds(r.elapsed_s)}).`;
    } catch (e) {
      this.clearLandscape(`No landscape: ${e.message}`);
    } finally {
      this.landscapeButton.disabled = false;
    }
  }
  showLandscapeFacts(r) {
    const d = r.directions;
    const facts = [
      `at the centre (${r.center === "initial" ? "the initial weights, where every path starts" : "the trained model"}): C = ${value(r.center_cost)}; on the slice from ${value(r.min_cost)} to ${value(r.max_cost)}`,
      d.explained_variance ? `the plane holds ${percent(d.explained_variance[0] + d.explained_variance[1])} of the path's variance (${d.explained_variance.map(percent).join(" + ")})` : `directions: ${d.kind}${d.filter_normalised ? ", filter-normalised" : ""}, cosine between them ${value(d.cosine)}`
    ];
    if (r.line && r.line.distance)
      facts.push(
        `from the initial to the final weights: \u2016\u03B8_final \u2212 \u03B8_init\u2016 = ${value(r.line.distance)}; ${initToTrained(r) ? "the dashed white line on the slice runs from one to the other (the square: the initial weights)" : "random directions miss that line, so the slice cannot show it"}`
      );
    const table2 = el(
      "table",
      { className: "paths" },
      el(
        "tr",
        {},
        ...[
          "path",
          "examples",
          "length",
          "travel",
          "true C at the end",
          "slice's C there",
          "off the plane"
        ].map((t) => el("th", { textContent: t }))
      )
    );
    r.paths.forEach((p, n) => {
      const last = p.points.length - 1;
      table2.append(
        el(
          "tr",
          {},
          el(
            "th",
            { scope: "row" },
            el("i", { className: "swatch", style: `background:${pathColor(n)}` }),
            p.name,
            p.diverged ? el("span", { className: "down", textContent: " (ran away: diverged)" }) : null
          ),
          el("td", { textContent: count(p.examples) }),
          el("td", { textContent: value(p.length) }),
          el("td", { textContent: value(p.travel) }),
          el("td", { textContent: value(p.cost_true[last]) }),
          el("td", { textContent: value(p.cost_slice[last]) }),
          el("td", { textContent: value(Math.max(...p.off_plane)) })
        )
      );
    });
    this.landscapeFacts.replaceChildren(
      el("ul", {}, ...facts.map((f) => el("li", { textContent: f }))),
      r.paths.length ? scroller("The paths: their travel and their true and sliced costs", table2) : el("p", {
        className: "muted",
        textContent: "Random directions: no paths on this slice."
      })
    );
    this.pathCurves.hidden = !r.paths.length;
    this.lineCurve.hidden = !(r.line && r.line.t);
    if (r.paths.length) {
      const series = r.paths.flatMap((p, n) => {
        const color = pathColor(n);
        const xs = p.examples_seen.map((n2) => Math.max(n2, 1));
        return [
          { points: xs.map((n2, i) => [n2, p.cost_true[i]]), color, label: p.name },
          { points: xs.map((n2, i) => [n2, p.cost_slice[i]]), color, dash: [3, 3], width: 1 }
        ];
      });
      lineChart(this.pathCurves, series, {
        xLabel: "examples seen (solid: true cost; dashed: the slice's value there)",
        yLabel: "C",
        logX: true,
        logY: true
      });
    }
    if (r.line && r.line.t) {
      this.lineCurve.hidden = false;
      lineChart(
        this.lineCurve,
        [{ points: r.line.t.map((t, i) => [t, r.line.cost[i]]), color: SERIES[0] }],
        {
          xLabel: "t: \u03B8_init + t (\u03B8_final \u2212 \u03B8_init)",
          yLabel: "C",
          logY: true,
          marks: [
            {
              x: 0,
              y: r.line.cost[r.line.t.findIndex((t) => t >= 0)],
              color: "#93a0b8",
              label: "init"
            },
            {
              x: 1,
              y: r.line.cost[r.line.t.findIndex((t) => t >= 1)],
              color: SERIES[0],
              label: "final"
            }
          ]
        }
      );
    }
  }
  // ---- the neurons --------------------------------------------------------------------------
  async neuron() {
    const { layer, to: j } = this.neuronPick.read("bias");
    this.neuronOut.replaceChildren(el("p", { className: "muted", textContent: "loading\u2026" }));
    try {
      const asked = this.model;
      const r = await this.example.api(`/api/neurons/${layer}/${j}?k=8`);
      if (asked !== this.model) return;
      const L = this.model.sizes.length - 1;
      const thumbs = r.top.map((t) => {
        const canvas = el("canvas", {
          role: "img",
          "aria-label": `test image ${t.index}, a ${t.label}`
        });
        drawGray(canvas, t.pixels_255, 255);
        return el(
          "figure",
          { className: "thumb" },
          canvas,
          el("figcaption", { textContent: `${t.label} \xB7 z=${value(t.z)}` })
        );
      });
      const counts = labelCounts(r.label_counts);
      const parts = [
        el("h3", {
          className: "minor",
          textContent: `Neuron ${j} of ${layerName(L, layer)} (bias ${change(r.bias)}): the test digits with the largest z`
        }),
        el("div", { className: "thumbs", dataset: { testid: "neuron-top-any" } }, ...thumbs),
        el("h3", {
          className: "minor",
          textContent: `the labels of its ${count(total(r.label_counts))} most exciting test digits, counted`
        }),
        counts
      ];
      if (r.pattern) {
        const canvas = el("canvas", {
          className: "pattern",
          role: "img",
          "aria-label": "its incoming weights' combination of hidden layer 1's patterns"
        });
        drawSigned(canvas, r.pattern, 0);
        const terms = (r.terms || []).slice(0, 6).map((t) => {
          const c = el("canvas", {
            role: "img",
            "aria-label": `neuron ${t.from} of hidden layer 1`
          });
          drawSigned(c, this.model.weights[0], t.from * PIXELS);
          return el(
            "figure",
            { className: "thumb" },
            c,
            el("figcaption", { textContent: `${change(t.weight)} \xD7 #${t.from}` })
          );
        });
        parts.push(
          el("h3", {
            className: "minor",
            textContent: layer === 1 ? "its own weights" : "\u03A3\u2096 w\u2C7C\u2096 \xB7 (the weights of neuron k of hidden layer 1): the pattern it is built from"
          }),
          el(
            "div",
            { className: "thumbs" },
            el(
              "figure",
              { className: "thumb big" },
              canvas,
              el("figcaption", { textContent: "the combination" })
            ),
            ...terms
          )
        );
      }
      this.neuronOut.replaceChildren(...parts);
    } catch (e) {
      this.neuronOut.replaceChildren(el("p", { textContent: `Failed: ${e.message}` }));
    }
  }
};
function servedPart(served, controls, rest, note, props = {}) {
  return served ? el("div", {}, el("div", { className: "buttons" }, ...controls), ...rest) : el("p", { className: "muted", ...props }, note);
}
var total = (values) => values.reduce((a, b) => a + b, 0);
function labelCounts(counts) {
  const most = Math.max(...counts);
  const top = counts.indexOf(most);
  return el(
    "div",
    { className: "label-counts", dataset: { testid: "label-counts" } },
    el("p", {
      textContent: `Most often a ${top}: ${count(most)} of ${count(total(counts))}.`
    }),
    el(
      "table",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "row", textContent: "label" }),
        ...counts.map((_, d) => el("th", { scope: "col", textContent: String(d) }))
      ),
      el(
        "tr",
        {},
        el("th", { scope: "row", textContent: "count" }),
        ...counts.map(
          (n) => el(
            "td",
            { dataset: { count: String(n) } },
            el("span", { className: "bar", style: `height:${2.5 * n / Math.max(most, 1)}rem` }),
            count(n)
          )
        )
      )
    )
  );
}
function drawLandscape(canvas, r) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const { alphas, betas } = r;
  const pad = 36;
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  const [a0, a1] = [alphas[0], alphas.at(-1)];
  const [b0, b1] = [betas[0], betas.at(-1)];
  const toX = (a) => pad + (a - a0) / (a1 - a0) * w;
  const toY = (b) => pad + (1 - (b - b0) / (b1 - b0)) * h;
  paintSlice(ctx, r, { left: pad, top: pad, width: w, height: h });
  ctx.fillStyle = "#93a0b8";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(
    `\u03B1 (${r.directions.kind === "random" ? "random direction 1" : "1st direction"}) from ${value(a0)} to ${value(a1)}`,
    pad + w / 2,
    height - 10
  );
  ctx.save();
  ctx.translate(12, pad + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`\u03B2 from ${value(b0)} to ${value(b1)}`, 0, 0);
  ctx.restore();
  const labels = [];
  if (initToTrained(r)) {
    const [from, to] = [r.line.init, r.line.trained];
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 1.5;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(toX(from[0]), toY(from[1]));
    ctx.lineTo(toX(to[0]), toY(to[1]));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeRect(toX(from[0]) - 4, toY(from[1]) - 4, 8, 8);
    const [end, at] = r.center !== "initial" ? ["initial", from] : ["trained", to];
    labels.push({ text: end, x: toX(at[0]) + 7, y: toY(at[1]) - 6, color: "#ffffff" });
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad, pad, w, h);
  ctx.clip();
  for (const [n, p] of r.paths.entries()) {
    const color = pathColor(n);
    ctx.beginPath();
    p.points.forEach(([a, b], i) => i ? ctx.lineTo(toX(a), toY(b)) : ctx.moveTo(toX(a), toY(b)));
    ctx.strokeStyle = "rgba(11,15,23,0.8)";
    ctx.lineWidth = 4;
    ctx.stroke();
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.stroke();
    const near2 = 0.1 * Math.max(p.travel, 1e-9);
    p.points.forEach(([a, b], i) => {
      ctx.beginPath();
      ctx.arc(toX(a), toY(b), 3, 0, 2 * Math.PI);
      if (p.off_plane[i] <= near2) {
        ctx.fillStyle = color;
        ctx.fill();
      } else {
        ctx.strokeStyle = color;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    });
    const [ea, eb] = p.points.at(-1);
    const [ex, ey] = [inside(toX(ea), pad, pad + w), inside(toY(eb), pad + 18, pad + h)];
    const text2 = p.diverged ? `${p.name} (diverged)` : p.name;
    labels.push({ text: text2, x: ex + 6, y: ey - 6, color });
  }
  ctx.restore();
  ctx.fillStyle = "#ffffff";
  ctx.beginPath();
  ctx.arc(toX(0), toY(0), 5, 0, 2 * Math.PI);
  ctx.fill();
  const centre = r.center === "initial" ? "\u03B8\u2080, the initial weights" : "\u03B8*, the trained model";
  const text = `${centre}: C = ${value(r.center_cost)}`;
  labels.unshift({ text, x: toX(0) + 8, y: toY(0) + 16, color: "#ffffff" });
  const measure = (t) => ctx.measureText(t).width;
  for (const l of placeLabels(labels, width, height, measure))
    outlined(ctx, l.text, l.x, l.y, l.color);
}
var inside = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
var initToTrained = (r) => Boolean(r.line && r.line.init && r.line.trained);

// src/digitnet/web/static/js/chain.js
var FONT = "12px system-ui, sans-serif";
var KNOBS = [
  ["w1", `w${sup(1)}`, -6, 6, 1.8],
  ["b1", `b${sup(1)}`, -6, 6, -0.4],
  ["w2", `w${sup(2)}`, -6, 6, -1.6],
  ["b2", `b${sup(2)}`, -6, 6, 0.9],
  ["w3", `w${sup(3)}`, -6, 6, 2.4],
  ["b3", `b${sup(3)}`, -6, 6, -0.7],
  ["x", `input a${sup(0)}`, 0, 1, 0.8],
  ["y", "target y", 0, 1, 1]
];
var NUDGE = 2;
var ACTIVATION = [0, 1];
var ChainView = class {
  constructor(root, example) {
    this.root = root;
    this.example = example;
    this.model = null;
    this.values = Object.fromEntries(KNOBS.map(([key, , , , start]) => [key, start]));
    this.tangentKnob = "w3";
    this.nudge = 0.5;
    this.pick = null;
    this.realNudge = 0;
    this.latency = new Latency();
    this.build();
    example.onChange(() => this.updateReal());
    whenShown(root, () => {
      this.updateChain();
      this.updateReal();
    });
  }
  build() {
    this.sliders = {};
    const knobs2 = el("div", { className: "knob-grid" });
    for (const [key, label, min, max, start] of KNOBS) {
      const input = el("input", {
        type: "range",
        min,
        max,
        step: 0.01,
        value: start,
        dataset: { testid: `chain-${key}` },
        "aria-label": label
      });
      const shown = el("output", { textContent: num(start, 2) });
      input.addEventListener(
        "input",
        (e) => this.latency.measure(e, () => {
          this.values[key] = Number(input.value);
          shown.textContent = num(this.values[key], 2);
          this.updateChain();
        })
      );
      this.sliders[key] = { input, shown };
      knobs2.append(el("label", {}, el("span", { textContent: label }), input, shown));
    }
    this.chainPicture = el("canvas", {
      className: "chain-picture",
      role: "img",
      "aria-label": "The chain: input, three neurons and the cost, each weight on its edge (the sliders and the table give the numbers)"
    });
    this.numberLines = el("canvas", {
      className: "number-lines",
      role: "img",
      "aria-label": "Number lines for each z, a and the cost, the current value marked"
    });
    this.derivatives = el("table", {
      className: "derivatives",
      dataset: { testid: "chain-derivatives" }
    });
    this.tangentSelect = el(
      "select",
      { "aria-label": "The knob to nudge" },
      ...KNOBS.filter(([key]) => key !== "y").map(
        ([key, label]) => new Option(label, key, false, key === this.tangentKnob)
      )
    );
    this.nudgeSlider = el("input", {
      type: "range",
      min: -NUDGE,
      max: NUDGE,
      step: 0.01,
      value: this.nudge,
      dataset: { testid: "chain-nudge" },
      "aria-label": "Nudge"
    });
    this.tangentChart = el("canvas", {
      className: "chart",
      role: "img",
      "aria-label": "The cost as the chosen knob is nudged, beside its tangent line (the text above gives the numbers)"
    });
    this.tangentText = el("p", { "aria-live": "polite" });
    this.tangentSelect.addEventListener(
      "change",
      (e) => this.latency.measure(e, () => {
        this.tangentKnob = this.tangentSelect.value;
        this.nudge = 0;
        this.nudgeSlider.value = "0";
        this.updateChain();
      })
    );
    this.nudgeSlider.addEventListener(
      "input",
      (e) => this.latency.measure(
        e,
        () => (this.nudge = Number(this.nudgeSlider.value), this.updateChain())
      )
    );
    const chainPart = section(
      "One neuron per layer",
      "a\u2070 \u2192 a\xB9 \u2192 a\xB2 \u2192 a\xB3 with z\u02E1 = w\u02E1 a\u02E1\u207B\xB9 + b\u02E1, a\u02E1 = \u03C3(z\u02E1) and the cost C = (a\xB3 \u2212 y)\xB2. Move any knob: every number below follows.",
      el(
        "div",
        { className: "chain-top" },
        knobs2,
        el("div", {}, this.chainPicture, this.numberLines)
      ),
      el("h3", { textContent: "Each derivative as its factors, beside the ratio of nudges" }),
      el("p", {
        className: "muted",
        textContent: "Reading backwards from the cost: \u2202C/\u2202a\xB3 = 2(a\xB3 \u2212 y) starts the chain; each layer multiplies by \u03C3\u2032(z\u02E1) and then by a\u02E1\u207B\xB9 (for its weight), 1 (its bias) or w\u02E1 (to pass it one layer further back). The last column nudges the knob by \xB10.000001 and measures the change in C."
      }),
      scroller("Each derivative as its factors, beside the ratio of nudges", this.derivatives),
      el("h3", { textContent: "The cost follows its tangent line" }),
      el(
        "div",
        { className: "buttons" },
        el("label", {}, "nudge ", this.tangentSelect),
        el("label", { className: "grow" }, "by ", this.nudgeSlider)
      ),
      this.tangentText,
      this.tangentChart
    );
    this.convention = el("p", { className: "convention" });
    this.label = labelPicker(
      "chain-label",
      (d, e) => this.latency.measure(e, () => this.example.setLabel(d))
    );
    this.diagram = PickDiagram.inCanvas(
      "The network: click a neuron (its bias or activation) or an edge (its weight)",
      (hit, e) => this.latency.measure(e, () => this.pickFromDiagram(hit))
    );
    this.kind = el(
      "select",
      { "aria-label": "What to differentiate" },
      new Option("a weight", "weight"),
      new Option("a bias", "bias"),
      new Option("a hidden activation", "activation")
    );
    const fromInputs = (e) => this.latency.measure(e, () => this.pickFromInputs());
    this.kind.addEventListener("change", fromInputs);
    this.pickInputs = new PickInputs(fromInputs, "chain-pick");
    this.realTitle = el("h3", { dataset: { testid: "chain-pick" } });
    this.realFormula = el("div", { className: "formula", dataset: { testid: "chain-real" } });
    this.realPaths = scroller("The paths from the picked value to the cost");
    this.realNudgeSlider = el("input", {
      type: "range",
      min: -1,
      max: 1,
      step: 0.01,
      value: 0
    });
    this.realNudgeSlider.addEventListener(
      "input",
      (e) => this.latency.measure(
        e,
        () => (this.realNudge = Number(this.realNudgeSlider.value), this.updateReal())
      )
    );
    this.realTangent = el("canvas", {
      className: "chart short",
      role: "img",
      "aria-label": "The real network's cost as the picked value is nudged, beside its tangent line"
    });
    this.realTangentText = el("p", { "aria-live": "polite" });
    const realPart = section(
      "The same in the real network",
      "Pick any weight (an edge), bias or hidden activation (a neuron) in the diagram, for the example and label chosen here. A hidden activation reaches the cost through every neuron it feeds, so its derivative is a sum over those paths.",
      this.convention,
      this.example.topBar(this.label),
      el(
        "div",
        { className: "buttons" },
        el("label", {}, "Differentiate ", this.kind),
        ...this.pickInputs.labels
      ),
      el(
        "div",
        { className: "chain-real" },
        this.diagram.canvas,
        el(
          "div",
          {},
          this.realTitle,
          this.realFormula,
          this.realPaths,
          el("label", { className: "grow" }, "nudge it by ", this.realNudgeSlider),
          this.realTangentText,
          this.realTangent
        )
      )
    );
    this.root.replaceChildren(chainPart, realPart);
  }
  setModel(model) {
    this.model = model;
    const hidden = model.sizes.length - 2;
    this.convention.textContent = `This model's cost: ${costName(model)}. Its ${model.sizes.join("-")} neurons: the input layer, ${hidden === 1 ? "one hidden layer" : `hidden layers 1\u2013${hidden}`} and the output layer.`;
    this.diagram.setModel(model);
    this.diagram.showValues(model.weights);
    this.pick = null;
    this.kind.value = "weight";
    this.pickInputs.show(model, { kind: "weight", layer: model.sizes.length - 1, to: 0, from: 0 });
    this.result = null;
    this.realNudge = 0;
    this.realNudgeSlider.value = "0";
    this.updateChain();
    this.updateReal();
  }
  // ---- the one-neuron chain -------------------------------------------------------------
  params(values = this.values) {
    return {
      weights: [values.w1, values.w2, values.w3],
      biases: [values.b1, values.b2, values.b3],
      x: values.x,
      y: values.y
    };
  }
  updateChain() {
    if (this.root.hidden) return;
    const r = oneNeuronChain(this.params());
    this.chain = r;
    drawChain(this.chainPicture, this.values, r);
    drawNumberLines(this.numberLines, r);
    this.showDerivatives(r);
    this.showTangent(r);
  }
  showDerivatives(r) {
    const rows = [
      el(
        "tr",
        {},
        ...["derivative", "= its factors", "= product"].map((t) => el("th", { textContent: t })),
        el("th", { className: "key", textContent: "ratio of nudges" })
      )
    ];
    const line2 = (which, name, factors, product, fd2) => el(
      "tr",
      { dataset: { which } },
      el("th", { scope: "row", textContent: name }),
      el("td", { textContent: factors }),
      el("td", {
        className: "product",
        dataset: { testid: "chain-product", which },
        textContent: num(product, 6)
      }),
      el("td", {
        className: "fd key",
        dataset: { testid: "chain-fd", which },
        textContent: num(fd2, 6)
      })
    );
    const fd = r.finite_difference;
    rows.push(
      line2(
        "dC_da3",
        "\u2202C/\u2202a\xB3",
        `2(a\xB3 \u2212 y) = 2(${num(r.a[2])} \u2212 ${num(this.values.y, 2)})`,
        r.dC_da[2],
        fd.dC_da[2]
      )
    );
    for (let i = 2; i >= 0; i--) {
      const f = r.factors[i];
      const l = i + 1;
      const prev = i === 0 ? "a\u2070" : `a${sup(i)}`;
      const tail = `\u03C3\u2032(z${sup(l)}) \xB7 \u2202C/\u2202a${sup(l)} = `;
      const values = `${num(f.sigma_prime)} \xB7 ${num(f.dC_da)}`;
      rows.push(
        line2(
          `dC_dw${l}`,
          `\u2202C/\u2202w${sup(l)}`,
          `${prev} \xB7 ${tail}${num(f.a_prev)} \xB7 ${values}`,
          r.dC_dw[i],
          fd.dC_dw[i]
        )
      );
      rows.push(
        line2(`dC_db${l}`, `\u2202C/\u2202b${sup(l)}`, `1 \xB7 ${tail}1 \xB7 ${values}`, r.dC_db[i], fd.dC_db[i])
      );
      const below = i === 0 ? r.dC_dx : r.dC_da[i - 1];
      const belowFd = i === 0 ? fd.dC_dx : fd.dC_da[i - 1];
      rows.push(
        line2(
          i === 0 ? "dC_dx" : `dC_da${i}`,
          `\u2202C/\u2202${prev}`,
          `w${sup(l)} \xB7 ${tail}${num(f.w)} \xB7 ${values}`,
          below,
          belowFd
        )
      );
    }
    this.derivatives.replaceChildren(...rows);
  }
  showTangent(r) {
    const key = this.tangentKnob;
    const label = KNOBS.find(([k]) => k === key)[1];
    const p = this.values[key];
    const costAt = (v) => chainCost(this.params({ ...this.values, [key]: v }));
    const slope2 = {
      w1: r.dC_dw[0],
      w2: r.dC_dw[1],
      w3: r.dC_dw[2],
      b1: r.dC_db[0],
      b2: r.dC_db[1],
      b3: r.dC_db[2],
      x: r.dC_dx
    }[key];
    const bounds = key === "x" ? ACTIVATION : null;
    this.nudge = boundNudge(this.nudgeSlider, p, this.nudge, NUDGE, bounds);
    tangentChart(this.tangentChart, this.tangentText, {
      label,
      p,
      cost: r.cost,
      slope: slope2,
      costAt,
      nudge: this.nudge,
      bounds
    });
  }
  // ---- the real network ---------------------------------------------------------------------
  pickFromDiagram(hit) {
    const L = this.model.sizes.length - 1;
    if (hit.kind === "edge")
      this.pick = { kind: "weight", layer: hit.layer, to: hit.to, from: hit.from };
    else if (hit.kind === "pixel") {
      const g = this.result.grad_weights[0];
      const n = this.model.sizes[1];
      const blame = Array.from({ length: n }, (_, j) => Math.abs(g[j * PIXELS + hit.index]));
      const to = this.pick && this.pick.layer === 1 ? this.pick.to : argmax(blame);
      this.pick = { kind: "weight", layer: 1, to, from: hit.index };
    } else if (hit.layer === L || this.kind.value === "bias")
      this.pick = { kind: "bias", layer: hit.layer, to: hit.neuron };
    else this.pick = { kind: "activation", layer: hit.layer, neuron: hit.neuron };
    this.realNudge = 0;
    this.realNudgeSlider.value = "0";
    this.updateReal();
  }
  pickFromInputs() {
    this.pick = this.pickInputs.read(this.kind.value);
    this.realNudge = 0;
    this.realNudgeSlider.value = "0";
    this.updateReal();
  }
  updateReal() {
    if (!this.model || this.root.hidden) return;
    const x = this.example.x;
    const label = this.example.labelFor(this.model);
    this.label.value = String(label);
    const result = backprop(this.model, x, label);
    this.result = result;
    const L = this.model.sizes.length - 1;
    this.pick ??= { kind: "weight", layer: L, to: label, from: argmax(result.activations[L - 1]) };
    const pick = this.pick;
    const p = pickChain(this.model, x, label, pick, result);
    this.kind.value = pick.kind;
    this.pickInputs.show(this.model, pick);
    this.diagram.update(x, result.activations.slice(1));
    if (pick.kind === "weight")
      this.diagram.pickEdge({ layer: pick.layer, to: pick.to, from: pick.from });
    else this.diagram.pickNeuron(pick.layer, pick.kind === "activation" ? pick.neuron : pick.to);
    this.realTitle.textContent = `${pickName(this.model, pick)}: ${pick.kind === "activation" ? "a" : pick.kind === "weight" ? "w" : "b"} = ${num(p.value)}; C = ${num(p.cost, 5)} for label ${label}`;
    this.showReal(p, pick);
    this.showRealTangent(p, pick, x, label);
  }
  showReal(p, pick) {
    const L = this.model.sizes.length - 1;
    const rows = [];
    const out = (l) => l === L;
    const dCda = (l) => out(l) ? this.model.cost === "quadratic" ? "2(a\u2C7C \u2212 y\u2C7C)" : "\u2202C/\u2202a\u2C7C" : "\u2202C/\u2202a\u2C7C";
    if (pick.kind !== "activation") {
      const f = p.factors;
      const first = pick.kind === "weight" ? ["a\u2096", f.a_prev] : ["1", 1];
      const name = pick.kind === "weight" ? "\u2202C/\u2202w\u2C7C\u2096" : "\u2202C/\u2202b\u2C7C";
      const text = f.sigma_prime === null ? `${name} = ${first[0]} \xB7 \u03B4\u2C7C = ${num(first[1])} \xB7 ${num(f.delta)}   (softmax + cross-entropy: \u03B4\u2C7C = a\u2C7C \u2212 y\u2C7C)` : `${name} = ${first[0]} \xB7 ${primeName(this.model, pick.layer)}(z\u2C7C) \xB7 ${dCda(pick.layer)} = ${num(first[1])} \xB7 ${num(f.sigma_prime)} \xB7 ${num(f.dC_da)}`;
      rows.push(el("p", { textContent: text }));
      if (!out(pick.layer)) {
        const follow2 = button(
          `\u2202C/\u2202a\u2C7C is itself a sum over paths: follow neuron ${pick.to} of ${layerName(L, pick.layer)}`
        );
        follow2.addEventListener(
          "click",
          (e) => this.latency.measure(
            e,
            () => (this.pick = { kind: "activation", layer: pick.layer, neuron: pick.to }, this.updateReal())
          )
        );
        rows.push(follow2);
      }
      this.realPaths.replaceChildren();
    } else {
      rows.push(
        el("p", {
          textContent: `\u2202C/\u2202a\u2096 = \u03A3\u2C7C w\u2C7C\u2096 \xB7 ${primeName(this.model, pick.layer + 1)}(z\u2C7C) \xB7 ${dCda(pick.layer + 1)}, one term for each of the ${p.paths.length} neurons of ${layerName(L, pick.layer + 1)} it feeds:`
        })
      );
      const softmax2 = p.paths[0].sigma_prime === null;
      const head = el(
        "tr",
        {},
        ...[
          "j",
          "w\u2C7C\u2096",
          softmax2 ? "\u03B4\u2C7C = a\u2C7C \u2212 y\u2C7C" : `${primeName(this.model, pick.layer + 1)}(z\u2C7C)`,
          softmax2 ? "" : dCda(pick.layer + 1),
          "term"
        ].map((t) => el("th", { textContent: t }))
      );
      const body = p.paths.map(
        (q) => el(
          "tr",
          {},
          el("td", { textContent: String(q.to) }),
          el("td", { textContent: value(q.w) }),
          el("td", { textContent: value(softmax2 ? q.delta : q.sigma_prime) }),
          el("td", { textContent: softmax2 ? "" : value(q.dC_da) }),
          el("td", { className: q.term >= 0 ? "up" : "down", textContent: signed(q.term, 4) })
        )
      );
      const total2 = el(
        "tr",
        { className: "total" },
        el("th", { textContent: "\u03A3" }),
        el("td"),
        el("td"),
        el("td"),
        el("td", { textContent: signed(p.sum, 4) })
      );
      this.realPaths.replaceChildren(el("table", { className: "paths" }, head, ...body, total2));
    }
    const result = pick.kind === "activation" ? p.sum : p.product;
    rows.push(
      el(
        "dl",
        { className: "verdict" },
        el("dt", { textContent: "product" }),
        el("dd", { textContent: num(result, 8) }),
        el("dt", { textContent: "backprop" }),
        el("dd", { textContent: num(p.derivative, 8) }),
        el("dt", { textContent: "ratio of nudges (\xB11e-6)" }),
        el("dd", {
          dataset: { testid: "chain-real-fd" },
          textContent: num(p.finite_difference, 8)
        })
      )
    );
    this.realFormula.replaceChildren(...rows);
  }
  showRealTangent(p, pick, x, label) {
    const slope2 = p.derivative;
    const at = (v) => {
      if (pick.kind === "activation") {
        const above = {
          ...this.model,
          sizes: this.model.sizes.slice(pick.layer),
          weights: this.model.weights.slice(pick.layer),
          biases: this.model.biases.slice(pick.layer)
        };
        const a = Float64Array.from(this.result.activations[pick.layer]);
        a[pick.neuron] = v;
        return exampleCost(above, a, label);
      }
      const list = pick.kind === "weight" ? "weights" : "biases";
      const i = pick.layer - 1;
      const moved = Float64Array.from(this.model[list][i]);
      moved[pick.kind === "weight" ? pick.to * this.model.sizes[i] + pick.from : pick.to] = v;
      return exampleCost(
        { ...this.model, [list]: this.model[list].map((arr, n) => n === i ? moved : arr) },
        x,
        label
      );
    };
    const name = pick.kind === "activation" ? "a\u2096" : pick.kind === "weight" ? "w\u2C7C\u2096" : "b\u2C7C";
    const sigmoid2 = this.model.activation !== "relu";
    const bounds = pick.kind !== "activation" ? null : sigmoid2 ? ACTIVATION : [0, Infinity];
    this.realNudge = boundNudge(this.realNudgeSlider, p.value, this.realNudge, 1, bounds);
    tangentChart(this.realTangent, this.realTangentText, {
      label: name,
      p: p.value,
      cost: p.cost,
      slope: slope2,
      costAt: at,
      nudge: this.realNudge,
      span: 1,
      bounds
    });
  }
};
function boundNudge(slider, p, nudge, span, bounds) {
  const [lo, hi] = bounds ? [Math.max(-span, bounds[0] - p), Math.min(span, bounds[1] - p)] : [-span, span];
  slider.min = String(lo);
  slider.max = String(hi);
  const kept = Math.min(hi, Math.max(lo, nudge));
  if (kept !== nudge) slider.value = String(kept);
  return kept;
}
function tangentChart(canvas, text, { label, p, cost: cost2, slope: slope2, costAt, nudge, span = NUDGE, bounds = null }) {
  const points = [];
  const tangent = [];
  const [lo, hi] = bounds ? [Math.max(bounds[0], p - span), Math.min(bounds[1], p + span)] : [p - span, p + span];
  for (let i = 0; i <= 80; i++) {
    const v = lo + (hi - lo) * i / 80;
    points.push([v, costAt(v)]);
    tangent.push([v, cost2 + (v - p) * slope2]);
  }
  const moved = costAt(p + nudge);
  const predicted = cost2 + nudge * slope2;
  const costs = points.map((q) => q[1]);
  const low = Math.min(...costs);
  const high = Math.max(...costs);
  const pad = (high - low) * 0.3 + 1e-6;
  lineChart(
    canvas,
    [
      { points, color: SERIES[7], label: "the cost C" },
      { points: tangent, color: SERIES[1], dash: [5, 4], label: "its tangent line here" }
    ],
    {
      xLabel: label,
      // the legend names the lines
      yLabel: "C",
      yRange: [Math.max(low - pad, Math.min(low, 0)), high + pad],
      marks: [
        { x: p, y: cost2, color: "#93a0b8" },
        { x: p + nudge, y: moved, color: "#ffd54a", label: "nudged" },
        { x: p + nudge, y: predicted, color: "#4fc3ff", radius: 4 }
      ]
    }
  );
  const ratio = nudge ? (moved - cost2) / nudge : slope2;
  text.textContent = nudge ? `Nudged by ${signed(nudge, 3)}: C goes ${num(cost2, 5)} \u2192 ${num(moved, 5)} (\u0394C = ${signed(moved - cost2, 3)}); the tangent predicts ${signed(predicted - cost2, 3)}. \u0394C/\u0394 = ${num(ratio, 5)} vs \u2202C/\u2202${label} = ${num(slope2, 5)}: the smaller the nudge, the closer.` : `\u2202C/\u2202${label} = ${num(slope2, 6)}: move the slider to nudge it.`;
}
function drawChain(canvas, values, r) {
  const acts = [values.x, ...r.a];
  const ws = [values.w1, values.w2, values.w3];
  const texts = {
    weights: ws.map((w, i) => `w${sup(i + 1)} = ${num(w, 2)}`),
    acts: acts.map((a, i) => `a${sup(i)} = ${num(a, 3)}`),
    cost: ["C = (a\xB3 \u2212 y)\xB2", `= ${num(r.cost, 4)}`]
  };
  const ctx = canvas.getContext("2d");
  ctx.font = FONT;
  const layout = chainPictureLayout(canvas.clientWidth, texts, (t) => ctx.measureText(t).width);
  canvas.classList.toggle("tall", layout.vertical);
  const sized = fit(canvas);
  if (!sized) return;
  const { discs, labels } = layout;
  const along2 = layout.vertical ? [0, 1] : [1, 0];
  ws.forEach((w, i) => {
    ctx.strokeStyle = w >= 0 ? "rgba(64,220,120,0.9)" : "rgba(240,72,72,0.9)";
    ctx.lineWidth = 1 + Math.min(6, Math.abs(w));
    ctx.beginPath();
    ctx.moveTo(discs[i].x + along2[0] * 18, discs[i].y + along2[1] * 18);
    ctx.lineTo(discs[i + 1].x - along2[0] * 18, discs[i + 1].y - along2[1] * 18);
    ctx.stroke();
  });
  acts.forEach((a, i) => {
    const v = Math.min(1, Math.max(0, a));
    ctx.beginPath();
    ctx.arc(discs[i].x, discs[i].y, 18, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
    ctx.fill();
    ctx.strokeStyle = "#56617a";
    ctx.lineWidth = 1;
    ctx.stroke();
  });
  ctx.font = FONT;
  const colour = { weight: "#c8d0e0", act: "#e6ebf5", cost: "#ffd54a" };
  for (const label of labels) {
    ctx.fillStyle = colour[label.kind];
    ctx.textAlign = label.align;
    ctx.fillText(label.text, label.x, label.y);
  }
}
function drawNumberLines(canvas, r) {
  const sized = fit(canvas);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const rows = [
    ...r.z.map((v, i) => [`z${sup(i + 1)}`, v, -8, 8]),
    ...r.a.map((v, i) => [`a${sup(i + 1)}`, v, 0, 1]),
    ["C", r.cost, 0, 1]
  ];
  const h = height / rows.length;
  const left = 40;
  const right = width - 110;
  const at = (t, lo, hi) => left + (t - lo) / (hi - lo) * (right - left);
  rows.forEach(([name, v, lo, hi], i) => {
    const y = h * (i + 0.5) - 4;
    ctx.strokeStyle = "#3a4660";
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "center";
    for (const t of [lo, (lo + hi) / 2, hi]) {
      ctx.fillStyle = "#56617a";
      ctx.fillRect(at(t, lo, hi) - 0.5, y - 4, 1, 8);
      ctx.fillStyle = "#93a0b8";
      ctx.fillText(num(t, Number.isInteger(t) ? 0 : 1), at(t, lo, hi), y + 14);
    }
    const beyond = v < lo ? -1 : v > hi ? 1 : 0;
    const x = at(Math.min(hi, Math.max(lo, v)), lo, hi);
    ctx.fillStyle = name === "C" ? "#ffd54a" : name.startsWith("z") ? "#4fc3ff" : "#e6ebf5";
    ctx.beginPath();
    if (beyond) {
      ctx.moveTo(x + beyond * 10, y);
      ctx.lineTo(x, y - 6);
      ctx.lineTo(x, y + 6);
    } else ctx.arc(x, y, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = "right";
    ctx.fillText(name, left - 8, y + 4);
    ctx.textAlign = "left";
    ctx.fillText(
      `${num(v, 3)}${beyond ? " (beyond)" : ""}`,
      right + 8 + (beyond > 0 ? 10 : 0),
      y + 4
    );
  });
}

// src/digitnet/web/static/js/timeline.js
function browserClock() {
  return {
    now: () => performance.now(),
    request: (fn) => requestAnimationFrame(fn),
    cancel: (id) => cancelAnimationFrame(id)
  };
}
var Timeline = class {
  constructor(clock = browserClock()) {
    this.clock = clock;
    this.stages = [];
    this.render = () => {
    };
    this.stage = 0;
    this.progress = 1;
    this.playing = false;
    this.frame = null;
    this.last = 0;
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
  run(stages, render2, { autoplay = true } = {}) {
    this.stop();
    this.stages = stages.length ? stages : [{ name: "still", duration: 0 }];
    this.render = render2;
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
    if (this.ended) this.seek(0, 0);
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
    this.render = () => {
    };
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
    const entered = stage !== this.stage;
    this.seek(stage, progress);
    if (this.ended) {
      this.playing = false;
      this.changed();
    } else {
      this.frame = this.clock.request(() => this.tick());
      if (entered) this.changed();
    }
  }
};

// src/digitnet/web/static/js/story-picture.js
var SHOWN = 16;
var EDGES_IN = 5;
var GOLD = "#ffd54a";
function largest(values, n, keep2 = []) {
  const order = Array.from(values.keys()).sort((p, q) => Math.abs(values[q]) - Math.abs(values[p]));
  const chosen = new Set(keep2.filter((k) => k < values.length));
  for (const k of order) {
    if (chosen.size >= Math.min(n, values.length)) break;
    chosen.add(k);
  }
  return [...chosen].sort((p, q) => p - q);
}
var NetPicture = class {
  /**
   * model, result: backprop(model, x, label); by: "activation" or "nudge", which neurons a wide
   * layer shows; keep: {layer: [neurons]} always shown.
   */
  constructor(canvas, model, result, { by = "activation", keep: keep2 = {} } = {}) {
    this.canvas = canvas;
    this.model = model;
    this.result = result;
    const L = model.sizes.length - 1;
    this.shown = [];
    for (let l = 1; l <= L; l++) {
      const basis = by === "nudge" ? result.nudges[l - 1] : result.activations[l];
      this.shown.push(largest(basis, SHOWN, keep2[l] || []));
    }
    this.incoming = this.shown.map((js, i) => js.map((j) => this.strongest(i + 1, j)));
    this.state = {};
    this.image = document.createElement("canvas");
    drawGray(this.image, result.activations[0]);
    canvas.setAttribute("role", "img");
  }
  // The EDGES_IN inputs k of neuron j (layer l) whose signal wⱼₖ aₖ is largest, among those shown.
  strongest(l, j) {
    const { sizes, weights } = this.model;
    const nIn = sizes[l - 1];
    const from = l === 1 ? Array.from({ length: nIn }, (_, k) => k) : this.shown[l - 2];
    const a = this.result.activations[l - 1];
    const signal = from.map((k) => weights[l - 1][j * nIn + k] * a[k]);
    return largest(signal, EDGES_IN).map((i) => from[i]);
  }
  layout(width, height) {
    const L = this.model.sizes.length - 1;
    const pad = 14;
    const grid = Math.min(height - 2 * pad - 16, width * 0.26);
    const gx = pad;
    const gy = (height - 16 - grid) / 2;
    const left = gx + grid + Math.max(24, width * 0.08);
    const right = width - pad - 44;
    const columns = this.shown.map((js, i) => {
      const x = L === 1 ? right : left + (right - left) * i / (L - 1);
      const step2 = (height - 2 * pad - 16) / js.length;
      const r = Math.max(3, Math.min(10, step2 * 0.36));
      return js.map((j, n) => ({ j, x, y: pad + step2 * (n + 0.5), r, step: step2 }));
    });
    const cell = grid / SIDE;
    const pixel = (k) => ({
      x: gx + (k % SIDE + 0.5) * cell,
      y: gy + (Math.floor(k / SIDE) + 0.5) * cell
    });
    return { grid: { x: gx, y: gy, size: grid, cell }, columns, pixel, bottom: height - 6 };
  }
  /** Where neuron j of layer l (0: a pixel) is drawn, or null if it is not shown. */
  position(geo, l, j) {
    if (l === 0) return geo.pixel(j);
    return geo.columns[l - 1].find((d) => d.j === j) || null;
  }
  /**
   * state: lit [per layer 0…L, 0…1] (default all lit), arrows [{layer, values, progress}],
   * grads [{layer, progress}] (edges into layer coloured by −∂C/∂w, the others faint), path [[l, from, to]]
   * (edges into layer l), ring [[l, j]] (neurons circled in gold).
   */
  paint(state = this.state) {
    this.state = state;
    const sized = fit(this.canvas);
    if (!sized) return;
    const { ctx, width, height } = sized;
    const { model, result } = this;
    const L = model.sizes.length - 1;
    const lit = state.lit || new Array(L + 1).fill(1);
    const geo = this.layout(width, height);
    this.canvas.dataset.columns = geo.columns.map((c) => c[0].x.toFixed(1)).join(" ");
    const act = result.activations;
    const top = act.map(
      (a, l) => l > 0 && l < L && model.activation === "relu" ? Math.max(1, ...a) : 1
    );
    const grads = new Map((state.grads || []).map((g) => [g.layer, g.progress]));
    for (let l = 1; l <= L; l++) {
      const nIn = model.sizes[l - 1];
      const W = model.weights[l - 1];
      const g = result.grad_weights[l - 1];
      const gTop = grads.has(l) ? maxAbs(
        this.shown[l - 1].flatMap((j, n) => this.incoming[l - 1][n].map((k) => g[j * nIn + k]))
      ) : 1;
      const wTop = maxAbs(W);
      this.shown[l - 1].forEach((j, n) => {
        const to = this.position(geo, l, j);
        for (const k of this.incoming[l - 1][n]) {
          const from = this.position(geo, l - 1, k);
          if (!from) continue;
          let colour;
          let size;
          if (grads.has(l)) {
            const d = -g[j * nIn + k];
            size = Math.abs(d) / gTop;
            colour = rgb(d >= 0 ? GREEN : RED, (0.15 + 0.85 * size) * grads.get(l));
          } else {
            const w = W[j * nIn + k];
            size = Math.min(1, 3 * Math.abs(w) / wTop);
            const signal = Math.min(1, (act[l - 1][k] || 0) / top[l - 1]);
            colour = rgb(
              w >= 0 ? GREEN : RED,
              (0.08 + 0.5 * signal * size) * (0.25 + 0.75 * lit[l]) * (grads.size ? 0.3 : 1)
            );
          }
          stroke(ctx, from, to, colour, 0.5 + 2.5 * size);
        }
      });
    }
    for (const [l, k, j] of state.path || []) {
      const from = this.position(geo, l - 1, k);
      const to = this.position(geo, l, j);
      if (from && to) stroke(ctx, from, to, GOLD, 3);
    }
    const { grid } = geo;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.image, grid.x, grid.y, grid.size, grid.size);
    ctx.fillStyle = `rgba(11,15,23,${0.7 * (1 - lit[0])})`;
    ctx.fillRect(grid.x, grid.y, grid.size, grid.size);
    ctx.strokeStyle = "#3a4660";
    ctx.strokeRect(grid.x - 0.5, grid.y - 0.5, grid.size + 1, grid.size + 1);
    const rings = new Set((state.ring || []).map(([l, j]) => `${l}:${j}`));
    ctx.font = "11px system-ui, sans-serif";
    geo.columns.forEach((column, i) => {
      const l = i + 1;
      for (const d of column) {
        const v = Math.min(1, act[l][d.j] / top[l]) * lit[l];
        ctx.beginPath();
        ctx.arc(d.x, d.y, d.r, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${Math.round(20 + 235 * v)},${Math.round(24 + 231 * v)},${Math.round(32 + 200 * v)})`;
        ctx.fill();
        const ringed = rings.has(`${l}:${d.j}`);
        ctx.lineWidth = ringed ? 2.5 : 1;
        ctx.strokeStyle = ringed ? GOLD : "#56617a";
        ctx.stroke();
        if (l === L) {
          ctx.fillStyle = ringed ? GOLD : "#c8d0e0";
          ctx.textAlign = "left";
          ctx.textBaseline = "middle";
          ctx.fillText(String(d.j), d.x + d.r + 4, d.y);
        }
      }
      const more = model.sizes[l] - column.length;
      if (more > 0) {
        ctx.fillStyle = "#93a0b8";
        ctx.textAlign = "center";
        ctx.textBaseline = "alphabetic";
        ctx.fillText(`+${more} more`, column[0].x, geo.bottom);
      }
    });
    for (const { layer, values, progress } of state.arrows || []) {
      const biggest = maxAbs(values);
      for (const d of geo.columns[layer - 1]) {
        const v = values[d.j];
        const out = layer === L;
        const room = out ? Math.max(8, Math.min(28, d.step * 1.6)) : Math.min(28, d.step * 0.9);
        const length = Math.abs(v) / biggest * room * progress;
        if (length < 0.5) continue;
        const x = d.x + d.r + (out ? 16 : 3);
        arrow(ctx, x, d.y, -Math.sign(v) * length, v >= 0 ? GREEN : RED, out || d.step >= 24);
      }
    }
  }
};
function maxAbs(values) {
  let top = 1e-12;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return top;
}
function stroke(ctx, from, to, colour, width) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}
function arrow(ctx, x, y, dy, colour, sign = true) {
  const c = rgb(colour);
  const head = Math.min(5, Math.abs(dy) * 0.5);
  stroke(ctx, { x, y }, { x, y: y + dy }, c, 2.5);
  ctx.fillStyle = c;
  ctx.beginPath();
  ctx.moveTo(x - 4, y + dy + Math.sign(-dy) * head);
  ctx.lineTo(x + 4, y + dy + Math.sign(-dy) * head);
  ctx.lineTo(x, y + dy);
  ctx.fill();
  if (!sign) return;
  ctx.font = "bold 11px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(dy < 0 ? "+" : "\u2212", x + 5, y + dy);
}

// src/digitnet/web/static/js/story-kit.js
function canvasIn(view, className, label) {
  const canvas = el("canvas", { className: `story-canvas ${className}`, role: "img" });
  canvas.setAttribute("aria-label", label);
  view.stage.append(canvas);
  return canvas;
}
function table(view, caption, head, rows, { key = false } = {}) {
  const last = head.length - 1;
  const cls = (i) => key && i === last ? "key" : "";
  const t = el(
    "table",
    { className: "story-table" },
    el("caption", { textContent: caption }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...head.map((h, i) => el("th", { textContent: h, scope: "col", className: cls(i) }))
      )
    ),
    el(
      "tbody",
      {},
      ...rows.map(
        (cells) => el("tr", {}, ...cells.map((c, i) => el("td", { textContent: c, className: cls(i) })))
      )
    )
  );
  const wrap = scroller(caption, t);
  view.stage.append(wrap);
  return t;
}
var ease = (p) => p < 0.5 ? 2 * p * p : 1 - 2 * (1 - p) * (1 - p);
var OTHER_DIGITS = 24;
async function otherDigits(view, example) {
  const toX = (bytes) => Float64Array.from(bytes, (v) => v / 255);
  if (!view.served) {
    const { split, index } = example.origin;
    const others = (view.samples || []).filter((s) => split !== "test" || s.index !== index);
    return others.length ? others.map((s) => ({ label: s.label, x: toX(s.pixels_255) })) : null;
  }
  const key = view.model;
  if (otherDigits.key !== key) {
    otherDigits.key = key;
    otherDigits.found = view.api("/api/backprop/step", {
      method: "POST",
      body: { example: { split: "test", index: 0 }, others: OTHER_DIGITS, seed: 0 }
    }).then((r) => r.others.map((o) => ({ label: o.label, x: toX(o.pixels_255), index: o.index })));
  }
  return otherDigits.found;
}
var aDigit = (d) => `${d === 8 ? "an" : "a"} ${d}`;
var STEP_ETA = 3;
function needsServer(view, what) {
  view.stage.append(
    el("p", {
      className: "story-offline",
      textContent: `${what} needs the server: run \`digitnet serve\` and open this scene there.`
    })
  );
}

// src/digitnet/web/static/js/story-network.js
var FORWARD_TOTAL = 2e3;
function layerDuration(layers) {
  return Math.max(300, Math.min(500, FORWARD_TOTAL / layers));
}
var pixels = {
  title: "Your digit becomes 784 numbers",
  enter(view, example) {
    const x = example.x;
    const bright = x.reduce((n, v) => n + (v > 0.5), 0);
    const k = argmax(x);
    view.say(
      `Your digit is ${SIDE} \xD7 ${SIDE} = ${PIXELS} pixels, each a number from 0 (black) to 1 (white): pixel ${k + 1} (row ${Math.floor(k / SIDE) + 1}, column ${k % SIDE + 1}) holds ${num(x[k], 2)}, and ${bright} are brighter than \xBD. Read row after row, they become one column of ${PIXELS} neurons: the first layer's activations.`
    );
    const canvas = canvasIn(
      view,
      "story-unroll",
      `your digit's pixels unrolled into a column of ${PIXELS}`
    );
    view.animate([{ name: "rows into the column", duration: 1600 }], (_, p) => {
      const s = fit(canvas);
      if (!s) return;
      const { ctx, width, height } = s;
      const cell = Math.min((height - 20) / SIDE, width * 0.5 / SIDE);
      const gx = 10;
      const gy = (height - cell * SIDE) / 2;
      const colX = width - 60;
      const rowH = (height - 20) / SIDE;
      const moved = p * SIDE;
      const gray2 = (v, dim = 1) => {
        const g = Math.round(Math.min(1, Math.max(0, v)) * 255 * dim);
        return `rgb(${g},${g},${g})`;
      };
      for (let r = 0; r < SIDE; r++) {
        const t = Math.min(1, Math.max(0, moved - r));
        const e = ease(t);
        for (let c = 0; c < SIDE; c++) {
          const v = x[r * SIDE + c];
          ctx.fillStyle = gray2(v, 1 - 0.7 * e);
          ctx.fillRect(gx + c * cell, gy + r * cell, cell - 0.3, cell - 0.3);
          if (t > 0) {
            const x0 = gx + c * cell;
            const y0 = gy + r * cell;
            const x1 = colX;
            const y1 = 10 + (r + c / SIDE) * rowH;
            ctx.fillStyle = gray2(v);
            ctx.fillRect(
              x0 + (x1 - x0) * e,
              y0 + (y1 - y0) * e,
              cell + (24 - cell) * e,
              cell + (rowH / SIDE + 0.4 - cell) * e
            );
          }
        }
      }
      ctx.strokeStyle = "#3a4660";
      ctx.strokeRect(colX - 0.5, 9.5, 25, height - 19);
      ctx.fillStyle = "#93a0b8";
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.fillText("a\u2081", colX - 4, 18);
      ctx.fillText(`a${sub(PIXELS)}`, colX - 4, height - 12);
    });
  }
};
var neuron = {
  title: "One neuron: its weights and its bias",
  enter(view, example) {
    const { model, result } = view;
    const a1 = result.activations[1];
    const j = argmax(result.zs[0]);
    const W = model.weights[0];
    const x = example.x;
    const products = new Float64Array(PIXELS);
    let sum = 0;
    for (let k = 0; k < PIXELS; k++) {
      products[k] = W[j * PIXELS + k] * x[k];
      sum += products[k];
    }
    const b = model.biases[0][j];
    const z = result.zs[0][j];
    const squash2 = model.activation === "relu" ? "ReLU" : "\u03C3";
    view.say(
      `Hidden neuron ${j} has a weight for every pixel: green adds, red subtracts. Times your pixels and summed: ${num(sum, 3)}. Its bias ${num(b, 3)} says how high the sum must be before it lights up: z = ${num(z, 3)}, and ${squash2}(z) = ${num(a1[j], 3)}, its activation.`
    );
    const row = el("div", { className: "story-grids" });
    const grid = (label, caption) => {
      const c = el("canvas", { className: "story-grid", role: "img", "aria-label": label });
      row.append(el("figure", {}, c, el("figcaption", { textContent: caption })));
      return c;
    };
    const weights = grid(
      `neuron ${j}'s ${PIXELS} weights, green positive, red negative`,
      `weights of neuron ${j}`
    );
    const digit = grid("your digit", "your digit");
    const times = grid("each weight times its pixel", "weight \xD7 pixel");
    view.stage.append(row);
    const sumLine = el("p", { className: "story-sum" });
    view.stage.append(sumLine);
    const lines = [
      `\u03A3 w\u2096 a\u2096 = ${num(sum, 3)}`,
      `+ bias ${num(b, 3)} = z = ${num(z, 3)}`,
      `${squash2}(z) = ${num(a1[j], 3)}`
    ];
    drawGray(digit, x);
    const wTop = Math.max(...Array.from(W.subarray(j * PIXELS, (j + 1) * PIXELS), Math.abs));
    view.animate(
      [
        { name: "the weights", duration: 600 },
        { name: "times your pixels", duration: 700 },
        { name: "summed, plus the bias", duration: 600 },
        { name: `${squash2}(z)`, duration: 500 }
        // ReLU does not squash: say which it is
      ],
      (stage, p) => {
        const shown = stage === 0 ? p : 1;
        drawSigned(weights, W, j * PIXELS, wTop / Math.max(shown, 1e-3));
        const partial = products.map((v) => v * (stage >= 1 ? stage === 1 ? p : 1 : 0));
        drawSigned(times, partial, 0, null);
        sumLine.textContent = lines.slice(0, stage < 2 ? 0 : stage === 2 ? 2 : 3).join("   ");
      }
    );
  }
};
var forwardPass = {
  title: "The forward pass, layer by layer",
  enter(view) {
    const { model, result } = view;
    const L = model.sizes.length - 1;
    const out = result.activations[L];
    const answer2 = argmax(out);
    const firstTop = argmax(result.activations[1]);
    view.say(
      `Each layer's activations decide the next one's: a\u2032 = ${model.activation === "relu" ? "ReLU" : "\u03C3"}(W a + b). Your pixels light hidden layer 1 (neuron ${firstTop} brightest, ${num(result.activations[1][firstTop], 2)}), that layer lights the next, and so on to the ${out.length} outputs, where ${answer2} shines brightest.`
    );
    const canvas = canvasIn(
      view,
      "story-net",
      `the network lit layer by layer by your digit; output ${answer2} brightest`
    );
    canvas.dataset.testid = "story-forward";
    const picture2 = new NetPicture(canvas, model, result);
    const duration = layerDuration(L + 1);
    const names = [
      "the input",
      ...model.sizes.slice(1, -1).map((_, i) => `hidden layer ${i + 1}`),
      "the output"
    ];
    view.animate(
      names.map((name) => ({ name, duration })),
      (stage, p) => {
        const lit = names.map((_, l) => l < stage ? 1 : l === stage ? p : 0);
        canvas.dataset.lit = lit.map((v) => v.toFixed(2)).join(" ");
        picture2.paint({ lit, ring: p >= 1 && stage === L ? [[L, answer2]] : [] });
      }
    );
  }
};
var answer = {
  title: "The answer: the brightest output",
  enter(view) {
    const { model, result } = view;
    const out = result.activations[model.sizes.length - 1];
    const best = argmax(out);
    const runnerUp = argmax(out.map((v, d) => d === best ? -Infinity : v));
    view.say(
      `The network's answer is the output that shines brightest: ${best}, at ${num(out[best], 3)}. Next comes ${runnerUp} at ${num(out[runnerUp], 3)}. Every output is a number between 0 and 1: how much the network thinks your digit is that one.`
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the ${out.length} outputs; ${best} is the brightest`
    );
    table(
      view,
      "The outputs",
      ["digit", "output"],
      Array.from(out, (v, d) => [String(d), num(v, 4)])
    );
    view.animate([{ name: "the outputs", duration: 700 }], (_, p) => {
      const s = fit(canvas);
      if (!s) return;
      const { ctx, width, height } = s;
      const slot = width / out.length;
      const base = height - 22;
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "center";
      out.forEach((v, d) => {
        const h = v * (base - 16) * ease(p);
        ctx.fillStyle = d === best ? "#ffd54a" : rgb(GREEN, 0.75);
        ctx.fillRect(slot * d + slot * 0.2, base - h, slot * 0.6, h);
        ctx.fillStyle = d === best ? "#ffd54a" : "#c8d0e0";
        ctx.fillText(String(d), slot * (d + 0.5), height - 6);
        if (p >= 1) ctx.fillText(num(v, 2), slot * (d + 0.5), base - h - 4);
      });
    });
  }
};
var NETWORK_SCENES = [pixels, neuron, forwardPass, answer].map((s) => ({
  ...s,
  chapter: 0
}));

// src/digitnet/web/static/js/ball-math.js
function foldRun(events) {
  const state = emptyRun();
  for (const [kind2, data] of events) applyEvent(state, kind2, data);
  return state;
}
function emptyRun() {
  return { plane: null, trail: [], ball: null, positions: 0 };
}
function applyEvent(state, kind2, data) {
  if (kind2 === "plane") {
    state.plane = data;
    state.trail = data.trail.slice();
    state.ball = null;
    return true;
  }
  if (kind2 === "ball" && state.plane && data.plane === state.plane.id) {
    state.ball = data;
    state.trail.push(data);
    state.positions += 1;
    return true;
  }
  return false;
}
function along(path, examples) {
  const seen = path.examples_seen;
  let i = 0;
  while (i + 1 < seen.length && seen[i + 1] <= examples) i++;
  const [a, b] = path.points[i];
  const reached = { index: i, examples: seen[i], cost_true: path.cost_true[i] };
  if (i + 1 >= seen.length) return { alpha: a, beta: b, ...reached };
  const t = Math.max(0, Math.min(1, (examples - seen[i]) / (seen[i + 1] - seen[i])));
  const [a1, b1] = path.points[i + 1];
  return { alpha: a + t * (a1 - a), beta: b + t * (b1 - b), ...reached };
}
function square(alphas, betas, width, height, pad) {
  const size = Math.max(1, Math.min(width, height) - 2 * pad);
  const left = (width - size) / 2;
  const top = pad;
  const [a0, a1] = [alphas[0], alphas[alphas.length - 1]];
  const [b0, b1] = [betas[0], betas[betas.length - 1]];
  const span = Math.max(a1 - a0, b1 - b0) || 1;
  const am = (a0 + a1) / 2;
  const bm = (b0 + b1) / 2;
  return {
    left,
    top,
    size,
    toX: (a) => left + size / 2 + (a - am) / span * size,
    toY: (b) => top + size / 2 - (b - bm) / span * size
  };
}

// src/digitnet/web/static/js/landscape-ball.js
var SLICE_PAD = 30;
var REPLAY_MS = 6e3;
var RACE_MS = 8e3;
var TRAIL = "rgba(255,255,255,0.8)";
var RACERS = [
  { batch: 0, colour: "#f0a040", words: "careful: the whole set each step" },
  { batch: 10, colour: "#ff6ad5", words: "stumbling: 10 examples a step" }
];
var serverEvents = () => new EventSource("/api/train/events");
function mountBall(container, {
  api: api2,
  timeline = null,
  run = null,
  motion = true,
  onStart = () => {
  },
  events: openEvents = serverEvents
} = {}) {
  const parts = picture("The ball: the network being trained, on a slice of its real cost");
  const ball2 = parts.ball("landscape-ball", "#ffffff");
  const facts = el("p", {
    className: "ball-facts",
    textContent: run ? "Start a short run of this network's shape: the ball follows it as it trains." : "The ball appears when a run starts."
  });
  const startButton = run ? button("Start a short run") : null;
  const stopButton = run ? button("Stop the run", { disabled: true }) : null;
  const root = el(
    "div",
    { className: "ball-view" },
    parts.stage,
    facts,
    run ? el("div", { className: "buttons" }, startButton, stopButton) : null
  );
  container.append(root);
  let events = [];
  let state = emptyRun();
  let source = null;
  let frame = null;
  const paintSoon = () => {
    if (frame === null) frame = requestAnimationFrame(() => (frame = null, paint(state)));
  };
  const paint = (s) => {
    const box = parts.paint(s.plane, (ctx, toX, toY) => drawTrail(ctx, s, toX, toY));
    ball2.hidden = !box || !s.ball;
    if (ball2.hidden) return;
    parts.place(ball2, s.ball, box);
    facts.textContent = describe(s);
  };
  parts.onResize(() => paint(state));
  const going = (yes) => {
    ball2.dataset.running = String(yes);
    if (startButton) startButton.disabled = yes;
    if (stopButton) stopButton.disabled = !yes;
  };
  let destroyed = false;
  const follow2 = () => {
    if (destroyed) return;
    source?.close();
    events = [];
    state = emptyRun();
    going(true);
    source = openEvents();
    for (const kind2 of ["plane", "ball"]) {
      source.addEventListener(kind2, (e) => {
        const data = JSON.parse(e.data);
        events.push([kind2, data]);
        if (!applyEvent(state, kind2, data)) return;
        ball2.dataset.positions = String(state.positions);
        if (motion) paintSoon();
        else if (kind2 === "ball") facts.textContent = describe(state);
      });
    }
    source.addEventListener("error", (e) => {
      if (e.data) facts.textContent = `Training failed: ${JSON.parse(e.data).message}.`;
    });
    source.addEventListener("done", () => ended());
  };
  const ended = () => {
    source?.close();
    source = null;
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    going(false);
    if (startButton) startButton.textContent = "Train again";
    if (!state.ball) {
      facts.textContent = "The run ended before the ball's first position.";
      return;
    }
    paint(state);
    facts.textContent = `${describe(state)} The run is over.`;
    if (timeline && events.length) {
      const shown = events.slice();
      const replay = (stage, p) => paint(foldRun(shown.slice(0, upTo(shown, p))));
      timeline.run([{ name: "the run, replayed", duration: REPLAY_MS }], replay, {
        autoplay: false
      });
    }
  };
  const post = async () => {
    if (run) {
      if (startButton) startButton.disabled = true;
      facts.textContent = "Starting a short run\u2026";
      try {
        await api2("/api/train", { method: "POST", body: run });
      } catch (e) {
        if (e.status !== 409) {
          facts.textContent = `Could not start a run: ${e.message}`;
          if (startButton) startButton.disabled = false;
          return false;
        }
        facts.textContent = "A run is going already: the ball follows it.";
      }
    }
    follow2();
    return true;
  };
  const start = () => {
    const started = post();
    onStart(started);
    return started;
  };
  const stop = () => api2("/api/train/stop", { method: "POST", body: {} }).catch(() => {
  });
  startButton?.addEventListener("click", start);
  stopButton?.addEventListener("click", stop);
  return {
    start,
    follow: follow2,
    stop,
    destroy() {
      destroyed = true;
      source?.close();
      source = null;
      if (frame !== null) cancelAnimationFrame(frame);
      parts.destroy();
      root.remove();
    }
  };
}
function mountRace(container, { api: api2, timeline, motion = true } = {}) {
  const parts = picture("Two balls from the same start: full-batch descent and mini-batch SGD");
  const balls = RACERS.map((r) => parts.ball("race-ball", r.colour));
  const facts = el("ul", { className: "ball-facts race-facts" });
  const root = el("div", { className: "ball-view" }, parts.stage, facts);
  container.append(root);
  let slice2 = null;
  let paths2 = [];
  let shown = 0;
  const paint = () => {
    if (!slice2) return;
    const at = paths2.map((p) => along(p, shown));
    const box = parts.paint(slice2, (ctx, toX, toY) => {
      paths2.forEach((p, k) => {
        const upto = p.points.slice(0, at[k].index + 1).concat([[at[k].alpha, at[k].beta]]);
        line(ctx, upto, toX, toY, RACERS[k].colour);
      });
      return at.map((a, k) => costLabel(a, toX, toY, RACERS[k].colour));
    });
    if (!box) return;
    at.forEach((a, k) => parts.place(balls[k], a, box));
    facts.replaceChildren(
      ...paths2.map((p, k) => {
        const step2 = Math.round(at[k].examples / p.batch_size);
        return el("li", {
          textContent: `${RACERS[k].words} (${p.name}): ${step2.toLocaleString()} of ${p.steps.toLocaleString()} steps, ${at[k].examples.toLocaleString()} examples seen, true cost ${num(at[k].cost_true, 4)}`,
          style: `color:${RACERS[k].colour}`
        });
      })
    );
  };
  parts.onResize(paint);
  const start = async () => {
    facts.replaceChildren(
      el("li", { textContent: "Training both from the model's initial weights (some seconds)\u2026" })
    );
    try {
      const body = { directions: "optimizers" };
      const r = await api2("/api/landscape", { method: "POST", body });
      slice2 = r;
      paths2 = RACERS.map(
        (racer) => r.paths.find(
          (p) => (racer.batch ? p.batch_size === racer.batch : p.batch_size === r.n_images) && !p.momentum
        )
      ).filter(Boolean);
    } catch (e) {
      facts.replaceChildren(el("li", { textContent: `No race: ${e.message}` }));
      return;
    }
    const most = Math.max(...paths2.map((p) => p.examples_seen.at(-1)));
    timeline.run(
      [{ name: "the same examples for each", duration: RACE_MS }],
      (stage, p) => {
        shown = p * most;
        paint();
      },
      { autoplay: motion }
    );
  };
  return {
    start,
    stop: () => timeline.cancel(),
    destroy() {
      parts.destroy();
      root.remove();
    }
  };
}
function picture(label) {
  const canvas = el("canvas", { className: "ball-canvas", role: "img" });
  canvas.setAttribute("aria-label", label);
  const stage = el("div", { className: "ball-stage", hidden: true }, canvas);
  const observer = new ResizeObserver(() => resized());
  let resized = () => {
  };
  observer.observe(canvas);
  let box = null;
  return {
    stage,
    onResize(fn) {
      resized = fn;
    },
    ball(testid, colour) {
      const b = el("div", {
        className: "ball",
        dataset: { testid, alpha: "", beta: "" },
        "aria-hidden": "true",
        hidden: true
      });
      b.style.background = colour;
      stage.append(b);
      return b;
    },
    // the slice over the canvas (null: none yet), then `over(ctx, toX, toY)` (→ its labels
    // [{text, x, y, colour}]); its square
    paint(slice2, over) {
      stage.hidden = !slice2;
      const sized = slice2 ? sharpCanvas(canvas) : null;
      if (!sized) return null;
      const { ctx, width, height } = sized;
      box = square(slice2.alphas, slice2.betas, width, height, SLICE_PAD);
      const { left, top, size, toX, toY } = box;
      paintSlice(ctx, slice2, { left, top, width: size, height: size });
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = "#93a0b8";
      ctx.textAlign = "center";
      const [a0, a1, b0, b1] = [
        slice2.alphas[0],
        slice2.alphas.at(-1),
        slice2.betas[0],
        slice2.betas.at(-1)
      ];
      ctx.fillText(`\u03B1 from ${num(a0, 2)} to ${num(a1, 2)}`, left + size / 2, top + size + 18);
      ctx.save();
      ctx.translate(left - 10, top + size / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(`\u03B2 from ${num(b0, 2)} to ${num(b1, 2)}`, 0, 0);
      ctx.restore();
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(toX(0) - 4, toY(0) - 4, 8, 8);
      const labels = [
        ...over(ctx, toX, toY),
        { text: "\u03B8\u2080 start", x: toX(0) + 7, y: toY(0) + 14, colour: "#ffffff" }
      ];
      const mark = (x, y, r) => ({ left: x - r, right: x + r, top: y - r, bottom: y + r });
      const avoid = [
        mark(toX(0), toY(0), 5),
        ...labels.filter((l) => l.at).map((l) => mark(...l.at, 9))
      ];
      ctx.font = "11px system-ui, sans-serif";
      const measure = (text) => ctx.measureText(text).width;
      for (const l of placeLabels(labels, width, height, measure, 14, avoid))
        outlined(ctx, l.text, l.x, l.y, l.colour);
      return box;
    },
    // a ball at (α, β) on the square, its coordinates in its data
    place(b, { alpha, beta }, { toX, toY }) {
      b.hidden = false;
      b.style.transform = `translate(${toX(alpha)}px, ${toY(beta)}px)`;
      b.dataset.alpha = String(alpha);
      b.dataset.beta = String(beta);
    },
    destroy() {
      observer.disconnect();
    }
  };
}
function drawTrail(ctx, s, toX, toY) {
  line(
    ctx,
    s.trail.map((p) => [p.alpha, p.beta]),
    toX,
    toY,
    TRAIL
  );
  return s.ball ? [costLabel(s.ball, toX, toY, "#ffffff")] : [];
}
function costLabel({ alpha, beta, cost_true }, toX, toY, colour) {
  const [x, y] = [toX(alpha), toY(beta)];
  return { text: `C ${num(cost_true, 3)}`, x: x + 9, y: y - 9, colour, at: [x, y] };
}
function line(ctx, points, toX, toY, colour) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach(([a, b], i) => i ? ctx.lineTo(toX(a), toY(b)) : ctx.moveTo(toX(a), toY(b)));
  ctx.stroke();
}
function describe({ plane, ball: ball2 }) {
  if (!ball2) return "";
  return `Step ${ball2.step.toLocaleString()} (epoch ${ball2.epoch}): true cost ${num(ball2.cost_true, 4)}, the slice's ${num(ball2.cost_plane, 4)} under the ball, ${near(ball2.off_plane)} off the plane (\u03B1 ${near(ball2.alpha)}, \u03B2 ${near(ball2.beta)}; slice ${plane.id}, ${plane.n_images} training images).`;
}
var near = (v) => num(Math.abs(v) < 5e-3 ? 0 : v, 2);
function upTo(events, p) {
  const last = events.findLast(([kind2]) => kind2 === "ball")?.[1].step ?? 0;
  const until = p * last;
  const k = events.findIndex(([, data]) => data.step > until);
  return k < 0 ? events.length : k;
}

// src/digitnet/web/static/js/story-descent.js
var cost = {
  title: "How wrong it is: this example's cost",
  enter(view) {
    const { model, label, result } = view;
    const L = model.sizes.length - 1;
    const a = result.activations[L];
    const terms = costTerms(model, a, result.target);
    const worst = argmax(terms);
    view.say(
      `Tell the network this is ${aDigit(label)}: output ${label} should be 1, the others 0. The cost adds up how far each output is from that, here ${costName(model)}: ${num(result.cost, 4)}, most of it from output ${worst} (${num(terms[worst], 4)}).`
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the outputs, the wanted outputs and each term of the cost; total ${num(result.cost, 4)}`
    );
    table(
      view,
      `The cost, term by term (total ${num(result.cost, 4)})`,
      ["digit", "output a", "wanted y", "term"],
      Array.from(a, (v, d) => [String(d), num(v, 4), String(result.target[d]), num(terms[d], 4)])
    );
    const termTop = Math.max(1e-12, ...terms);
    view.animate(
      [
        ...Array.from({ length: DIGITS }, (_, d) => ({ name: `term ${d}`, duration: 90 })),
        { name: "their sum", duration: 400 }
      ],
      (stage, p) => {
        const s = fit(canvas);
        if (!s) return;
        const { ctx, width, height } = s;
        const slot = width / a.length;
        const mid = height * 0.55;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        let sum = 0;
        a.forEach((v, d) => {
          const x = slot * d + slot * 0.25;
          ctx.fillStyle = rgb(GREEN, 0.55);
          ctx.fillRect(x, mid - v * (mid - 14), slot * 0.5, v * (mid - 14));
          ctx.fillStyle = "#ffd54a";
          ctx.fillRect(x - 2, mid - result.target[d] * (mid - 14) - 1, slot * 0.5 + 4, 2);
          const shown = d < stage || stage === DIGITS ? 1 : d === stage ? p : 0;
          const h = terms[d] / termTop * (height - mid - 20) * ease(shown);
          ctx.fillStyle = rgb(RED, 0.85);
          ctx.fillRect(x, mid + 2, slot * 0.5, h);
          sum += terms[d] * (shown >= 1 ? 1 : 0);
          ctx.fillStyle = "#c8d0e0";
          ctx.fillText(String(d), slot * (d + 0.5), height - 4);
        });
        ctx.textAlign = "left";
        ctx.fillStyle = "#e6ebf5";
        ctx.fillText(`cost so far ${num(sum, 4)}`, 6, 12);
      }
    );
  }
};
var average = {
  title: "The cost over many examples",
  enter(view, example) {
    const { model, label, result } = view;
    const box = el("div", { className: "story-thumbs" });
    view.stage.append(box);
    let left = false;
    view.busy(otherDigits(view, example)).then((others) => {
      if (left) return;
      if (!others) {
        needsServer(view, "Averaging over other digits");
        return;
      }
      const items = [{ label, x: example.x, yours: true }, ...others].map((o) => ({
        ...o,
        cost: o.yours ? result.cost : exampleCost(model, o.x, o.label)
      }));
      const mean = items.reduce((s, o) => s + o.cost, 0) / items.length;
      const worst = items.reduce((w, o) => o.cost > w.cost ? o : w);
      view.say(
        `One example says little. The network's cost is the average over every training example: here over your digit (${num(result.cost, 4)}) and ${others.length} test digits, ${num(mean, 4)}. The worst, ${aDigit(worst.label)}, costs ${num(worst.cost, 3)}: learning means making this average small.`
      );
      const cells = items.map((o) => {
        const c = el("canvas", { className: "story-thumb", role: "img" });
        drawGray(c, o.x);
        c.setAttribute(
          "aria-label",
          `${o.yours ? "your digit" : "a test digit"}, ${aDigit(o.label)}`
        );
        const cap = el("figcaption", { textContent: num(o.cost, 3) });
        const fig = el("figure", { className: o.yours ? "yours" : "" }, c, cap);
        box.append(fig);
        return fig;
      });
      const meanLine = el("p", { className: "story-sum" });
      view.stage.append(meanLine);
      const step2 = 900 / items.length;
      view.animate(
        items.map((_, i) => ({ name: `example ${i + 1}`, duration: step2 })),
        (stage, p) => {
          const n = stage + (p >= 1 ? 1 : 0);
          cells.forEach((fig, i) => fig.style.opacity = i < n ? "1" : "0.15");
          const seen = items.slice(0, Math.max(1, n));
          const m = seen.reduce((s, o) => s + o.cost, 0) / seen.length;
          meanLine.textContent = `average over ${seen.length}: ${num(m, 4)}`;
        }
      );
    });
    view.say("Fetching other digits\u2026");
    return () => left = true;
  }
};
var slope = {
  title: "Downhill in one dimension: the slope and a step",
  enter(view, example) {
    const { model, label, result } = view;
    const f = sliceCost(model, example.x, label, result);
    const slope0 = -(gradientNorm(result.grad_weights, result.grad_biases) ** 2);
    const { eta, ts, costs, overshot, downhill } = downhillSteps(f, slope0, STEP_ETA);
    const tMax = Math.max(4 * eta, ts.at(-1) * 1.25);
    const at = (t) => f(Math.max(0, t));
    const h = tMax / 200;
    const slopeAt = (t) => t === 0 ? slope0 : (at(t + h) - at(t - h)) / (2 * h);
    const path = costs.map((c) => num(c, 4)).join(" \u2192 ");
    const steps = overshot ? `A step of \u03B7 = ${STEP_ETA} would overshoot the valley (t = ${num(overshot.t, 2)}, cost ${num(overshot.cost, 4)}); ` + (downhill ? `\u03B7 = ${num(eta, 3)} steps downhill` : `even \u03B7 = ${num(eta, 3)} overshoots`) : `With \u03B7 = ${STEP_ETA} the first step is t = ${num(ts[1], 2)}, each next in proportion to the slope there`;
    view.say(
      `Walk your digit's cost along the way it falls fastest, \u2212\u2207C: one variable t. Its slope at the start is \u2212\u2016\u2207C\u2016\xB2 = ${num(slope0, 4)}. ${steps}. The cost: ${path}.`
    );
    const canvas = canvasIn(
      view,
      "story-chart",
      `the cost along \u2212\u2207C, and a ball stepping down it: ${costs.map((c) => num(c, 4)).join(", ")}`
    );
    const grid = Array.from({ length: 81 }, (_, i) => tMax * i / 80);
    const curve = [...grid, ...ts].sort((a, b) => a - b).map((t) => [t, at(t)]);
    const top = Math.max(...curve.map((p) => p[1]));
    const yRange = [top * 0.05 / 1.05, top];
    view.animate(
      ts.slice(1).map((_, n) => ({ name: `step ${n + 1}`, duration: 700 })),
      (stage, p) => {
        const t = ts[stage] + (ts[stage + 1] - ts[stage]) * ease(p);
        const from = ts[stage];
        const k = slopeAt(from);
        const reach = tMax / 8;
        const tangent = [
          [Math.max(0, from - reach), at(from) - (from - Math.max(0, from - reach)) * k],
          [Math.min(tMax, from + reach), at(from) + (Math.min(tMax, from + reach) - from) * k]
        ];
        const trail = ts.slice(0, stage + 1).map((v) => ({ x: v, y: at(v), color: "#93a0b8", radius: 3 }));
        lineChart(
          canvas,
          [
            { points: curve, color: "#4fc3ff", label: "cost" },
            { points: tangent, color: "#ffd54a", dash: [4, 3], label: "slope" }
          ],
          {
            xLabel: "t (along \u2212\u2207C)",
            yLabel: "cost",
            marks: [...trail, { x: t, y: at(t), color: "#ffd54a", radius: 7 }],
            yRange
          }
        );
      }
    );
  }
};
var knobs = {
  title: "The gradient: which knobs matter",
  enter(view) {
    const { model, result } = view;
    const ranked = rankedMagnitudes(result.grad_weights, result.grad_biases);
    const all = shares(result.grad_weights, result.grad_biases).at(-1);
    const top = largestComponents(result.grad_weights, result.grad_biases, model.sizes, 5);
    view.say(
      `\u2212\u2207C is one nudge for each of the ${ranked.length.toLocaleString("en")} weights and biases. Their sizes say which knobs matter: the largest 1% hold ${Math.round(all.top1 * 100)}% of the total, and ${Math.round(all.zero_fraction * 100)}% are exactly 0 (black pixels give their weights nothing to do).`
    );
    const canvas = canvasIn(
      view,
      "story-chart",
      "every component of the gradient, largest first, on a log scale"
    );
    table(
      view,
      "The five largest components of \u2212\u2207C",
      ["knob", "\u2212\u2202C/\u2202\u03B8"],
      top.map((c) => [pickName(model, c), num(-c.value, 5)])
    );
    const every = Math.max(1, Math.floor(ranked.length / 400));
    const points = [];
    for (let i = 0; i < ranked.length; i += every)
      if (ranked[i] > 0) points.push([i + 1, ranked[i]]);
    view.animate([{ name: "largest first", duration: 900 }], (_, p) => {
      const n = Math.max(2, Math.ceil(points.length * ease(p)));
      lineChart(canvas, [{ points: points.slice(0, n), color: "#4fc3ff" }], {
        xLabel: "rank",
        yLabel: "|\u2202C/\u2202\u03B8|",
        logX: true,
        logY: true
      });
    });
  }
};
function ballScene(title, mount, words, startWords) {
  return {
    title,
    followsExample: false,
    // a training run, whatever the digit
    enter(view, example) {
      view.say(words(countParams(view.model.sizes)));
      if (!view.served) {
        needsServer(view, "Training a network while you watch");
        return void 0;
      }
      let left = false;
      const timeline = {
        run: (stages, render2, options = {}) => left || view.timeline.run(stages, render2, {
          autoplay: view.motion && options.autoplay !== false
        }),
        cancel: () => left || view.timeline.cancel()
      };
      const box = el("div", { className: "story-ball" });
      view.stage.append(box);
      const mounted = mount(box, {
        api: view.api,
        timeline,
        motion: view.motion,
        model: view.model
      });
      if (view.motion) mounted.start();
      else if (startWords)
        view.stage.append(button(startWords, { onclick: () => mounted.start() }));
      return () => {
        left = true;
        mounted.destroy();
      };
    }
  };
}
var SHORT_RUN_EPOCHS = 3;
var SHORT_RUN_WORK = 2e9;
function shortRunImages(knobs2) {
  return Math.max(2e3, Math.min(5e4, Math.floor(SHORT_RUN_WORK / knobs2 / 1e3) * 1e3));
}
function shortRun({ sizes, activation: activation2, cost: cost2 }) {
  const preset = activation2 === "relu" || cost2 === "cross-entropy" ? "tweaked" : "video";
  const layers = sizes.slice(1, -1);
  const images = shortRunImages(countParams(sizes));
  return { preset, layers, activation: activation2, cost: cost2, epochs: SHORT_RUN_EPOCHS, images };
}
var ball = ballScene(
  "Rolling down the real landscape",
  (box, { model, ...options }) => mountBall(box, { ...options, run: shortRun(model) }),
  (knobs2) => `The cost over all the training images is a landscape with ${knobs2.toLocaleString("en")} directions. Here is a slice of it through a short run's weights: the ball is a network of your network's shape and kind, from fresh random weights, trained briefly on ${shortRunImages(knobs2).toLocaleString("en")} images, each step downhill from where it stands, until it settles in a valley.`,
  null
  // mountBall shows its own Start button under reduced motion
);
var DESCENT_SCENES = [cost, average, slope, knobs, ball].map((s) => ({
  ...s,
  chapter: 1
}));
var STOCHASTIC = ballScene(
  "Stumbling quickly against walking carefully",
  (box, options) => mountRace(box, options),
  () => "From the same start: full-batch descent computes the exact downhill over every image before each careful step; mini-batch SGD steps after only a few images, stumbling but far more often. After the same number of examples seen, compare their true costs.",
  "Race them"
);

// src/digitnet/web/static/js/story-backprop.js
var LAYER_MS = 600;
var BATCH = 8;
var ROWS = 16;
var outputLayer = (model) => model.sizes.length - 1;
function outputWish(model, result) {
  const L = outputLayer(model);
  if (model.cost !== "cross-entropy") return { values: result.nudges[L - 1], name: "\u2212\u2202C/\u2202a" };
  return { values: result.deltas[L - 1].map((d) => -d), name: "\u2212\u2202C/\u2202z" };
}
function netPicture(view, label, options) {
  const canvas = canvasIn(view, "story-net", label);
  return new NetPicture(canvas, view.model, view.result, options);
}
var wishes = {
  title: "What the outputs want",
  enter(view) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const { values: want, name } = outputWish(model, result);
    const down = argmax(want.map((v) => -v));
    view.say(
      `For ${aDigit(label)}, output ${label} wants to go up (${signed(want[label], 3)}) and every other output down, each in proportion to how far it is from its target: output ${down} most (${signed(want[down], 3)}). The arrows are these nudges, ${name}.`
    );
    const net = netPicture(
      view,
      `the network with an arrow at each output: up for ${label}, down for the rest`,
      {
        keep: { [L]: [label] }
      }
    );
    view.animate(
      [{ name: "the outputs' wishes", duration: 700 }],
      (_, p) => net.paint({ ring: [[L, label]], arrows: [{ layer: L, values: want, progress: ease(p) }] })
    );
  }
};
function raiseOutput(model, result, j) {
  const L = outputLayer(model);
  const nIn = model.sizes[L - 1];
  const delta = result.deltas[L - 1][j];
  const prev = result.activations[L - 1];
  const W = model.weights[L - 1];
  const weightWish = Float64Array.from(prev, (a) => -delta * a);
  const activationWish = Float64Array.from({ length: nIn }, (_, k) => -W[j * nIn + k] * delta);
  return { bias: -delta, weightWish, activationWish, prev };
}
var threeWays = {
  title: "Three ways to raise an output",
  enter(view) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const { bias, weightWish, activationWish } = raiseOutput(model, result, label);
    const kw = argmax(weightWish.map(Math.abs));
    const ka = argmax(activationWish.map(Math.abs));
    view.say(
      `To move output ${label}: change its bias (${signed(bias, 3)}), change its weights, most the one from the brightest neuron ${kw} (${signed(weightWish[kw], 3)}), or change the activations before it in proportion to their weights: neuron ${ka} by ${signed(activationWish[ka], 3)}.`
    );
    const net = netPicture(
      view,
      `output ${label}, its bias, its incoming weights and the neurons feeding it`,
      {
        keep: { [L]: [label], [L - 1]: [kw, ka] }
      }
    );
    const edges = largest(weightWish, 5).map((k) => [L, k, label]);
    view.animate(
      [
        { name: "its bias", duration: 600 },
        { name: "its weights", duration: 700 },
        { name: "the activations before it", duration: 700 }
      ],
      (stage, p) => {
        const state = { ring: [[L, label]], arrows: [] };
        const grow = (s) => stage > s ? 1 : stage === s ? ease(p) : 0;
        state.arrows.push({
          layer: L,
          values: Float64Array.from({ length: model.sizes[L] }, (_, d) => d === label ? bias : 0),
          progress: grow(0)
        });
        if (stage >= 1) state.path = edges.slice(0, Math.ceil(edges.length * grow(1)));
        if (stage >= 2)
          state.arrows.push({ layer: L - 1, values: activationWish, progress: grow(2) });
        net.paint(state);
      }
    );
    table(
      view,
      `The three ways to raise output ${label}`,
      ["way", "change"],
      [
        ["its bias b", signed(bias, 4)],
        [`the weight from neuron ${kw}`, signed(weightWish[kw], 4)],
        [`the activation of neuron ${ka}`, signed(activationWish[ka], 4)]
      ]
    );
  }
};
function pairedRows(canvas, neurons, top, bottom, grow, labels) {
  const s = fit(canvas);
  if (!s) return;
  const { ctx, width, height } = s;
  const slot = width / neurons.length;
  const mid = height * 0.45;
  const topMax = Math.max(1e-12, ...neurons.map((k) => Math.abs(top[k])));
  const botMax = Math.max(1e-12, ...neurons.map((k) => Math.abs(bottom[k])));
  const half = (height - mid - 34) / 2;
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillStyle = "#93a0b8";
  ctx.textAlign = "left";
  ctx.fillText(labels[0], 4, 11);
  ctx.fillText(labels[1], 4, mid + 12);
  ctx.textAlign = "center";
  neurons.forEach((k, n) => {
    const x = slot * n + slot * 0.2;
    const h = Math.abs(top[k]) / topMax * (mid - 22) * grow[0];
    ctx.fillStyle = "#c8d0e0";
    ctx.fillRect(x, mid - 4 - h, slot * 0.6, h);
    const v = bottom[k];
    const g = Math.abs(v) / botMax * half * grow[1];
    ctx.fillStyle = rgb(v >= 0 ? GREEN : RED);
    const centre = mid + 16 + half;
    ctx.fillRect(x, v >= 0 ? centre - g : centre, slot * 0.6, g);
    ctx.fillStyle = "#93a0b8";
    ctx.fillText(String(k), slot * (n + 0.5), height - 3);
  });
}
var hebb = {
  title: "Fire together, wire together",
  enter(view) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const { weightWish, prev } = raiseOutput(model, result, label);
    const neurons = largest(prev, ROWS);
    const bright = argmax(prev);
    const dim = neurons.reduce((d, k) => prev[k] < prev[d] ? k : d, neurons[0]);
    view.say(
      `A weight's wish is the output's wish times the neuron it comes from: \u2212\u2202C/\u2202w\u2C7C\u2096 = a\u2096 \xB7 (\u2212\u03B4\u2C7C). So the weights from bright neurons change most: neuron ${bright} (a = ${num(prev[bright], 2)}) asks ${signed(weightWish[bright], 3)}, neuron ${dim} (a = ${num(prev[dim], 2)}) ${signed(weightWish[dim], 3)}. Neurons that fire together wire together.`
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the activations of layer ${L - 1} and the desired changes of their weights into output ${label}`
    );
    view.animate(
      [
        { name: "the neurons that fire", duration: 600 },
        { name: "their weights' wishes", duration: 700 }
      ],
      (stage, p) => pairedRows(
        canvas,
        neurons,
        prev,
        weightWish,
        [stage ? 1 : ease(p), stage ? ease(p) : 0],
        [`activation a\u2096 of layer ${L - 1}`, `desired change of w\u2096 \u2192 ${label}`]
      )
    );
  }
};
var addedUp = {
  title: "Every output's wishes, added up",
  enter(view) {
    const { model, result } = view;
    const L = outputLayer(model);
    const rows = result.contributions[L - 2];
    const total2 = result.nudges[L - 2];
    const neurons = largest(total2, ROWS);
    const k = neurons.reduce(
      (b, n) => Math.abs(total2[n]) > Math.abs(total2[b]) ? n : b,
      neurons[0]
    );
    const biggest = argmax(rows.map((row) => Math.abs(row[k])));
    view.say(
      `Each output has its own wish for every neuron of the layer before, in proportion to the weight between them. Add the ${rows.length} wishes up: neuron ${k} should move ${signed(total2[k], 3)}, most of it output ${biggest}'s ${signed(-rows[biggest][k], 3)}. That sum is \u2212\u2202C/\u2202a of the hidden layer.`
    );
    const canvas = canvasIn(
      view,
      "story-stack",
      `each output's wish for layer ${L - 1}'s neurons, stacked in colour, and their sum`
    );
    view.stage.append(
      legend(rows.map((_, j) => ({ color: PALETTE[j % PALETTE.length], label: `output ${j}` })))
    );
    view.animate(
      [
        ...rows.map((_, j) => ({ name: `output ${j}`, duration: 110 })),
        { name: "the sum", duration: 500 }
      ],
      (stage, p) => {
        const s = fit(canvas);
        if (!s) return;
        const { ctx, width, height } = s;
        const rowH = (height - 8) / neurons.length;
        const top = Math.max(
          1e-12,
          ...neurons.map((n) => rows.reduce((a, r) => a + Math.abs(r[n]), 0))
        );
        const zero = width / 2;
        const scale = (width / 2 - 50) / top;
        ctx.strokeStyle = "#3a4660";
        ctx.beginPath();
        ctx.moveTo(zero, 0);
        ctx.lineTo(zero, height);
        ctx.stroke();
        ctx.font = "11px system-ui, sans-serif";
        neurons.forEach((n, i) => {
          const y = 4 + i * rowH;
          let at = 0;
          rows.forEach((row, j) => {
            const part = j < stage || stage === rows.length ? 1 : j === stage ? ease(p) : 0;
            const v = -row[n] * part;
            ctx.fillStyle = PALETTE[j % PALETTE.length];
            const x0 = zero + at * scale;
            ctx.fillRect(Math.min(x0, x0 + v * scale), y + 2, Math.abs(v * scale), rowH - 4);
            at += v;
          });
          if (stage === rows.length) {
            ctx.fillStyle = rgb(total2[n] >= 0 ? GREEN : RED);
            ctx.fillRect(zero + total2[n] * scale * ease(p) - 1.5, y, 3, rowH);
          }
          ctx.fillStyle = "#93a0b8";
          ctx.textAlign = "left";
          ctx.fillText(`a${n}`, 2, y + rowH / 2 + 4);
        });
      }
    );
  }
};
var backwards = {
  title: "The same again, backwards through every layer",
  enter(view) {
    const { model, result } = view;
    const L = outputLayer(model);
    const firstBig = argmax(result.nudges[0].map(Math.abs));
    view.say(
      `Each layer's wishes become the next layer back's, weighted and summed, all the way to the first hidden layer (its neuron ${firstBig} most: ${signed(result.nudges[0][firstBig], 3)}). On the way, every weight gets its desired change, green up, red down: backpropagation.`
    );
    const net = netPicture(
      view,
      "the nudges flowing from the outputs back to the first layer, and the weights' desired changes",
      { by: "nudge" }
    );
    net.canvas.dataset.testid = "story-backward";
    const stages = [];
    for (let l = L; l >= 1; l--)
      stages.push({ name: l === L ? "the outputs" : `hidden layer ${l}`, duration: LAYER_MS });
    view.animate(stages, (stage, p) => {
      const arrows = [];
      const grads = [];
      for (let s = 0; s <= stage; s++) {
        const l = L - s;
        const progress = s < stage ? 1 : ease(p);
        const values = l === L ? outputWish(model, result).values : result.nudges[l - 1];
        arrows.push({ layer: l, values, progress });
        grads.push({ layer: l, progress });
      }
      net.canvas.dataset.flow = arrows.map((a) => `${a.layer}:${a.progress.toFixed(2)}`).join(" ");
      net.paint({ arrows, grads });
    });
  }
};
var minibatch = {
  title: "Averaging over a mini-batch",
  enter(view, example) {
    const { model, label, result } = view;
    let left = false;
    view.say("Fetching other digits\u2026");
    view.busy(otherDigits(view, example)).then((others) => {
      if (left) return;
      if (!others) {
        needsServer(view, "A mini-batch of other digits");
        return;
      }
      const batch = [{ label, x: example.x, result }, ...others.slice(0, BATCH - 1)].map((o) => ({
        ...o,
        result: o.result || backprop(model, o.x, o.label)
      }));
      const mean = (pick) => pick(batch[0].result).map(
        (_, i) => batch.reduce((s, o) => s + pick(o.result)[i], 0) / batch.length
      );
      const gw = batch[0].result.grad_weights.map((_, l) => mean((r) => r.grad_weights[l]));
      const gb = batch[0].result.grad_biases.map((_, l) => mean((r) => r.grad_biases[l]));
      const knobs2 = largestComponents(gw, gb, model.sizes, 6);
      const wish = (r, c) => -(c.kind === "weight" ? r.grad_weights[c.layer - 1][c.to * model.sizes[c.layer - 1] + c.from] : r.grad_biases[c.layer - 1][c.to]);
      view.say(
        `Every example wants its own changes; their average is the step. For your digit and ${batch.length - 1} others, the knob the batch agrees on most is the ${pickName(model, knobs2[0])}: ${signed(-knobs2[0].value, 3)} on average. In practice: shuffle, split into mini-batches of about 100, and step after each.`
      );
      const t = table(
        view,
        "Each example's desired change of the knobs the batch wants most, and the average",
        [
          "knob",
          ...batch.map((o, i) => i ? `${aDigit(o.label)}` : `yours (${o.label})`),
          "average"
        ],
        knobs2.map((c) => [
          pickName(model, c),
          ...batch.map((o) => signed(wish(o.result, c), 2)),
          signed(-c.value, 2)
        ]),
        { key: true }
      );
      t.classList.add("story-batch");
      const cells = [...t.querySelectorAll("tbody tr")].map((tr) => [...tr.children]);
      view.animate(
        [
          ...batch.map((_, i) => ({ name: `example ${i + 1}`, duration: 220 })),
          { name: "the average", duration: 500 }
        ],
        (stage, p) => {
          const shown = stage + (p >= 1 ? 1 : 0);
          for (const row of cells) {
            row.forEach((td, i) => {
              if (i === 0) return;
              td.style.opacity = i <= shown ? "1" : "0.1";
              td.style.color = i === batch.length + 1 ? "#ffd54a" : "";
            });
          }
        }
      );
    });
    return () => left = true;
  }
};
var step = {
  title: "This example's step, and the other digits",
  enter(view, example) {
    const { model, label, result } = view;
    const L = outputLayer(model);
    const after = takeStep(model, result, STEP_ETA);
    const before = result.activations[L];
    const moved = forward(after, example.x).at(-1);
    const costAfter = exampleCost(after, example.x, label);
    view.say(
      `Take the step your digit asks for alone (\u03B7 = ${STEP_ETA}): output ${label} goes ${num(before[label], 3)} \u2192 ${num(moved[label], 3)} (${signed(moved[label] - before[label], 2)}) and its cost ${num(result.cost, 4)} \u2192 ${num(costAfter, 4)}. The same step moves every other digit too, some for the worse: that is why the step is an average.`
    );
    const canvas = canvasIn(
      view,
      "story-bars",
      `the outputs before and after the step; output ${label} from ${num(before[label], 3)} to ${num(moved[label], 3)}`
    );
    canvas.dataset.testid = "story-step-outputs";
    const box = el("div", { className: "story-thumbs" });
    view.stage.append(box);
    let others = [];
    let left = false;
    const paint = (stage, p) => {
      const s = fit(canvas);
      if (s) {
        const { ctx, width, height } = s;
        const slot = width / DIGITS;
        const base = height - 20;
        const f = stage === 0 ? ease(p) : 1;
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        for (let d = 0; d < before.length; d++) {
          const v = before[d] + (moved[d] - before[d]) * f;
          ctx.fillStyle = "rgba(147,160,184,0.35)";
          ctx.fillRect(slot * d + slot * 0.2, base - before[d] * (base - 14), slot * 0.6, 2);
          ctx.fillStyle = d === label ? "#ffd54a" : rgb(GREEN, 0.75);
          ctx.fillRect(slot * d + slot * 0.25, base - v * (base - 14), slot * 0.5, v * (base - 14));
          ctx.fillStyle = d === label ? "#ffd54a" : "#c8d0e0";
          ctx.fillText(String(d), slot * (d + 0.5), height - 5);
        }
        canvas.dataset.outputs = Array.from(
          before,
          (b, d) => (b + (moved[d] - b) * f).toFixed(6)
        ).join(" ");
      }
      box.querySelectorAll("figure").forEach(
        (fig) => fig.style.opacity = stage >= 1 ? String(0.15 + 0.85 * (stage === 1 ? p : 1)) : "0.15"
      );
    };
    view.busy(otherDigits(view, example)).then((found) => {
      if (left || !found) return;
      others = found.slice(0, 12).map((o) => ({
        ...o,
        before: exampleCost(model, o.x, o.label),
        after: exampleCost(after, o.x, o.label)
      }));
      const worse = others.filter((o) => o.after > o.before).length;
      for (const o of others) {
        const c = el("canvas", { className: "story-thumb", role: "img" });
        drawGray(c, o.x);
        c.setAttribute(
          "aria-label",
          `${aDigit(o.label)}: cost ${num(o.before, 3)} to ${num(o.after, 3)}`
        );
        const change2 = o.after - o.before;
        const size = pretty(format(Math.abs(change2) < 1e-3 ? ".1e" : ".2~g")(Math.abs(change2)));
        const cap = el(
          "figcaption",
          { className: change2 > 0 ? "worse" : "better" },
          change2 > 0 ? "\u25B2" : "\u25BC",
          el("br"),
          size
        );
        box.append(el("figure", {}, c, cap));
      }
      box.prepend(
        el("p", {
          className: "muted",
          textContent: `Other digits' cost after your step: ${worse} of ${others.length} got worse.`
        })
      );
      paint(view.timeline.stage, view.timeline.progress);
    });
    view.animate(
      [
        { name: "your outputs move", duration: 1e3 },
        { name: "the other digits", duration: 600 }
      ],
      paint
    );
    return () => left = true;
  }
};
var BACKPROP_SCENES = [wishes, threeWays, hebb, addedUp, backwards, minibatch, step];

// src/digitnet/web/static/js/story-calculus.js
var FACTOR_MS = 450;
var SVG = "http://www.w3.org/2000/svg";
var CANDIDATES = 3;
function strongestChain(model, result, label) {
  const L = model.sizes.length - 1;
  const links = Math.min(3, L);
  const strongest = (l, j) => {
    const nIn = model.sizes[l - 1];
    const prev = result.activations[l - 1];
    const signal = Array.from(prev, (a, k) => Math.abs(model.weights[l - 1][j * nIn + k] * a));
    return [...signal.keys()].sort((p, q) => signal[q] - signal[p] || p - q);
  };
  const tries = model.activation === "relu" ? CANDIDATES : 1;
  let paths2 = [[[L, label]]];
  for (let l = L; l > L - links; l--) {
    paths2 = paths2.flatMap(
      (path) => strongest(l, path[0][1]).slice(0, tries).map((k) => [[l - 1, k], ...path])
    );
  }
  const chains2 = paths2.map((neurons) => chainAlong(model, result, neurons));
  const open = (c) => c.chain.factors.every((f) => f.sigma_prime > 0);
  return { links, ...chains2.find(open) ?? chains2[0] };
}
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
function neuronName(model, [l, j]) {
  const L = model.sizes.length - 1;
  return l === 0 ? `pixel ${j}` : l === L ? `output ${j}` : `hidden ${l} neuron ${j}`;
}
function chainFactors(chain, n, node) {
  const kind2 = node[0];
  const l = Number(node.slice(1));
  const f = chain.factors;
  const out = [];
  const layer = kind2 === "a" ? l + 1 : l;
  if (kind2 === "a") {
    out.push({ text: `w${sup(layer)}`, value: f[layer - 1].w, edge: [node, `z${layer}`] });
  } else {
    const first = kind2 === "w" ? f[l - 1].a_prev : 1;
    out.push({ text: kind2 === "w" ? `a${sup(l - 1)}` : "1", value: first, edge: [node, `z${l}`] });
  }
  for (let m = layer; m <= n; m++) {
    const prime = m < n && chain.activation === "relu" ? "ReLU\u2032" : "\u03C3\u2032";
    out.push({
      text: `${prime}(z${sup(m)})`,
      value: f[m - 1].sigma_prime,
      edge: [`z${m}`, `a${m}`]
    });
    if (m < n) out.push({ text: `w${sup(m + 1)}`, value: f[m].w, edge: [`a${m}`, `z${m + 1}`] });
  }
  out.push({ text: `2(a${sup(n)} \u2212 y)`, value: f[n - 1].dC_da, edge: [`a${n}`, "C"] });
  return out;
}
function derivative(chain, node) {
  const l = Number(node.slice(1));
  if (node[0] === "w") return chain.dC_dw[l - 1];
  if (node[0] === "b") return chain.dC_db[l - 1];
  return l === 0 ? chain.dC_dx : chain.dC_da[l - 1];
}
var chainScene = {
  title: "A chain of one neuron per layer",
  enter(view) {
    const { model, label, result } = view;
    const { links, neurons, x, chain } = strongestChain(model, result, label);
    const n = links;
    const factors = chainFactors(chain, n, `w${n}`);
    const [, last] = neurons.at(-1);
    const path = neurons.map(([l, j]) => l && l < n ? `neuron ${j}` : neuronName(model, [l, j]));
    const relu2 = model.activation === "relu";
    const softmax2 = model.cost === "cross-entropy";
    view.say(
      `Your digit's strongest path, one neuron per layer: ${path.join(" \u2192 ")} (real weights${relu2 ? ", ReLU between" : ""}). It leaves out every other input, so a${sup(n)} = ${num(chain.a.at(-1), 3)}, not the network's ${num(result.activations.at(-1)[last], 3)}. ` + (softmax2 ? `A lone output can't be a softmax: it ends in \u03C3, C = (a${sup(n)} \u2212 1)\xB2 = ${num(chain.cost, 4)}.` : `With y = 1, C = (a${sup(n)} \u2212 y)\xB2 = ${num(chain.cost, 4)}. Nudge w${sup(n)}: z${sup(n)}, a${sup(n)}, then C move, each by a factor.`)
    );
    const canvas = canvasIn(
      view,
      "story-chain",
      `a chain of ${n + 1} neurons and the cost; a nudge to w${sup(n)} moving z, a and C`
    );
    const values = [x, ...chain.a];
    const texts = {
      weights: chain.factors.map((f, i) => `w${sup(i + 1)} = ${num(f.w, 2)}`),
      acts: values.map((v, i) => `a${sup(i)} = ${num(v, 3)}`),
      cost: [`C = (a${sup(n)} \u2212 y)\xB2`, `= ${num(chain.cost, 4)}`]
    };
    const BARS = 60;
    const stages = ["z", "a", "C"].map((name) => ({ name: `${name} moves`, duration: 650 }));
    const dz = factors[0].value;
    const moves = [dz, dz * factors[1].value, dz * factors[1].value * factors[2].value];
    view.animate(stages, (stage, p) => {
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
      const along2 = layout.vertical ? [0, 1] : [1, 0];
      const { discs } = layout;
      ctx.font = "12px system-ui, sans-serif";
      discs.forEach((d, i) => {
        if (i > 0) {
          const from = discs[i - 1];
          ctx.strokeStyle = i === n ? "#ffd54a" : "#56617a";
          ctx.lineWidth = i === n ? 2.5 : 1.5;
          ctx.beginPath();
          ctx.moveTo(from.x + along2[0] * 16, from.y + along2[1] * 16);
          ctx.lineTo(d.x - along2[0] * 16, d.y - along2[1] * 16);
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
      for (const label2 of layout.labels) {
        ctx.fillStyle = colour[label2.kind];
        ctx.textAlign = label2.align;
        ctx.fillText(label2.text, label2.x, label2.y);
      }
      const shown = moves.map((m, i) => i < stage ? 1 : i === stage ? ease(p) : 0);
      const names = [`\u2202z${sup(n)}/\u2202w${sup(n)}`, `\u2202a${sup(n)}/\u2202w${sup(n)}`, `\u2202C/\u2202w${sup(n)}`];
      const top = Math.max(1e-12, ...moves.map(Math.abs));
      moves.forEach((m, i) => {
        const by = height - BARS + 12 + i * 15;
        const w = Math.abs(m) / top * (width * 0.35) * shown[i];
        ctx.fillStyle = m >= 0 ? "#40dc78" : "#f04848";
        ctx.fillRect(width * 0.5, by - 9, w, 10);
        ctx.fillStyle = "#c8d0e0";
        ctx.textAlign = "right";
        ctx.fillText(`${names[i]} = ${shown[i] >= 1 ? signed(m, 3) : "\u2026"}`, width * 0.5 - 6, by);
      });
    });
  }
};
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
  const value2 = {};
  place.C = [180, 0];
  value2.C = chain.cost;
  place[`a${n}`] = [180, 1];
  place.y = [300, 1];
  value2.y = 1;
  for (let l = n; l >= 1; l--) {
    const r = 2 + 2 * (n - l);
    place[`z${l}`] = [180, r];
    place[`w${l}`] = [60, r + 1];
    place[`a${l - 1}`] = [180, r + 1];
    place[`b${l}`] = [300, r + 1];
    value2[`z${l}`] = chain.z[l - 1];
    value2[`a${l}`] = chain.a[l - 1];
    value2[`w${l}`] = chain.factors[l - 1].w;
    value2[`b${l}`] = biases[l - 1];
  }
  value2.a0 = x;
  const parents = { [`a${n}`]: "C", y: "C" };
  for (let l = 1; l <= n; l++) {
    parents[`z${l}`] = `a${l}`;
    for (const child of [`w${l}`, `a${l - 1}`, `b${l}`]) parents[child] = `z${l}`;
  }
  const at = (name) => [place[name][0], place[name][1] * rowH + rowH / 2];
  const edges = {};
  for (const [child, parent] of Object.entries(parents)) {
    const line2 = document.createElementNS(SVG, "line");
    const [x1, y1] = at(child);
    const [x2, y2] = at(parent);
    Object.entries({ x1, y1: y1 - 13, x2, y2: y2 + 13 }).forEach(
      ([k, v]) => line2.setAttribute(k, v)
    );
    line2.setAttribute("class", "tree-edge");
    svg.append(line2);
    edges[`${child}>${parent}`] = line2;
  }
  const nodes = {};
  const label = (name) => name === "C" || name === "y" ? name : `${name[0]}${sup(name.slice(1))}`;
  for (const name of Object.keys(place)) {
    const g = document.createElementNS(SVG, "g");
    g.setAttribute("data-node", name);
    g.setAttribute("class", "tree-node");
    const [cx, cy] = at(name);
    const rect = document.createElementNS(SVG, "rect");
    Object.entries({ x: cx - 54, y: cy - 13, width: 108, height: 26, rx: 6 }).forEach(
      ([k, v2]) => rect.setAttribute(k, v2)
    );
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", cx);
    text.setAttribute("y", cy + 5);
    text.setAttribute("text-anchor", "middle");
    const v = value2[name];
    text.textContent = v === null || v === void 0 ? label(name) : `${label(name)} = ${num(v, 3)}`;
    g.dataset.value = v === null || v === void 0 ? "" : String(v);
    g.append(rect, text);
    svg.append(g);
    nodes[name] = g;
  }
  svg.setAttribute(
    "aria-label",
    `the chain rule's tree: ${Object.keys(place).map((k) => nodes[k].textContent).join(", ")}`
  );
  const light = (lit, litEdges) => {
    for (const [name, g] of Object.entries(nodes)) g.classList.toggle("on", lit.has(name));
    for (const [key, line2] of Object.entries(edges)) line2.classList.toggle("on", litEdges.has(key));
  };
  return { svg, light };
}
var tree = {
  title: "The chain rule's tree",
  enter(view) {
    const { model, label, result } = view;
    const { links: n, x, biases, chain } = strongestChain(model, result, label);
    const { svg, light } = chainTree(chain, biases, x);
    view.say(
      `Every quantity hangs under the ones it decides: w${sup(n)}, a${sup(n - 1)} and b${sup(n)} make z${sup(n)}, which makes a${sup(n)}, which with y makes C; the layer before hangs under a${sup(n - 1)}. A derivative is the product of the factors along its path up to C. Choose one.`
    );
    const choices = [];
    for (let l = n; l >= 1; l--) choices.push(`w${l}`, `b${l}`, `a${l - 1}`);
    const formula = el("p", { className: "story-formula", "aria-live": "polite" });
    const picker = el("div", {
      className: "story-picks",
      role: "group",
      "aria-label": "The derivative to follow"
    });
    const show = (node) => {
      picker.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.node === node)));
      const factors = chainFactors(chain, n, node);
      const total2 = derivative(chain, node);
      const name = `${node[0]}${sup(node.slice(1))}`;
      const spans = factors.map(
        (f) => el("span", { className: "factor", textContent: `${f.text} = ${num(f.value, 3)}` })
      );
      const joined = [];
      spans.forEach((s, i) => joined.push(...i ? [" \xD7 ", s] : [s]));
      formula.replaceChildren(`\u2202C/\u2202${name} = `, ...joined, ` = ${signed(total2, 4)}`);
      view.animate(
        factors.map((f) => ({ name: f.text, duration: FACTOR_MS })),
        (stage, p) => {
          const upTo2 = stage + (p >= 1 ? 1 : 0);
          const lit = /* @__PURE__ */ new Set([node]);
          const litEdges = /* @__PURE__ */ new Set();
          factors.slice(0, Math.max(upTo2, 1)).forEach((f, i) => {
            if (i >= upTo2) return;
            lit.add(f.edge[1]);
            litEdges.add(`${f.edge[0]}>${f.edge[1]}`);
          });
          light(lit, litEdges);
          spans.forEach((s, i) => s.classList.toggle("on", i < upTo2 || i === stage && p > 0));
        }
      );
    };
    for (const node of choices) {
      const b = button(`\u2202C/\u2202${node[0]}${sup(node.slice(1))}`, { dataset: { node } });
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", () => show(node));
      b.addEventListener("focus", () => show(node));
      picker.append(b);
    }
    view.stage.append(picker, el("div", { className: "story-tree" }, svg), formula);
    show(`w${n}`);
  }
};
var paths = {
  title: "The real network: a sum over paths",
  enter(view, example) {
    const { model, label, result } = view;
    const L = model.sizes.length - 1;
    const layer = L - 1;
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
      "the chosen weight's paths to every output lit on the network"
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
        result
      );
      const { a_prev: ak, sigma_prime: sp } = found.factors;
      const net = new NetPicture(canvas, model, result, {
        keep: { [layer - 1]: [pick.from], [layer]: [pick.to] }
      });
      const a = `a${sub(pick.from)}`;
      const prime = primeName(model, layer);
      view.say(
        `In the real network a neuron feeds many: this weight reaches C through every one of the ${model.sizes[L]} outputs. So \u2202C/\u2202w = ${a} \xB7 ${prime}(z) \xB7 \u2202C/\u2202a, and \u2202C/\u2202a is a sum over those paths: ${num(sum.sum, 4)}. The product ${signed(found.product, 4)} is backprop's \u2202C/\u2202w (${signed(found.derivative, 4)}).`
      );
      formula.textContent = `\u2202C/\u2202w = ${a} \xB7 ${prime}(z${sub(pick.to)}) \xB7 \u2202C/\u2202a${sub(pick.to)} = ${num(ak, 3)} \xD7 ${num(sp, 3)} \xD7 ${num(sum.sum, 4)} = ${signed(found.product, 4)}`;
      holder.replaceChildren();
      const t = table(
        { stage: holder },
        `\u2202C/\u2202a${sub(pick.to)}: one term per path, w \xB7 \u03B4, summed`,
        ["output", "w", outputDelta(model), "term"],
        sum.paths.map((q) => [String(q.to), num(q.w, 3), num(q.delta, 4), signed(q.term, 3)])
      );
      const rows = [...t.querySelectorAll("tbody tr")];
      view.animate(
        [
          ...sum.paths.map((q) => ({ name: `path through output ${q.to}`, duration: 140 })),
          { name: "the product", duration: 500 }
        ],
        (stage, p) => {
          const upTo2 = Math.min(sum.paths.length, stage + (p >= 1 ? 1 : 0));
          const lit = sum.paths.slice(0, upTo2).map((q) => [L, pick.to, q.to]);
          net.paint({ path: [[layer, pick.from, pick.to], ...lit], ring: [[layer, pick.to]] });
          rows.forEach((r, n) => r.classList.toggle("on", n < upTo2));
          canvas.dataset.paths = String(upTo2);
        }
      );
    };
    select.addEventListener("change", show);
    show();
  }
};
var CALCULUS_SCENES = [chainScene, tree, paths].map((s) => ({ ...s, chapter: 3 }));

// src/digitnet/web/static/js/story-scenes.js
var CHAPTERS = [
  "Chapter 1 \xB7 What the network is",
  "Chapter 2 \xB7 Gradient descent",
  "Chapter 3 \xB7 Backpropagation",
  "Chapter 4 \xB7 The calculus"
];
var chapter3 = [...BACKPROP_SCENES.slice(0, -1), STOCHASTIC, BACKPROP_SCENES.at(-1)];
var SCENES = [
  ...NETWORK_SCENES,
  ...DESCENT_SCENES,
  ...chapter3.map((scene) => ({ ...scene, chapter: 2 })),
  ...CALCULUS_SCENES
];

// src/digitnet/web/static/js/story.js
var HASH = /^#scene=(.*)$/;
function sceneInHash(hash, count2 = SCENES.length) {
  const found = HASH.exec(hash);
  if (!found) return null;
  const n = /^\d+$/.test(found[1]) ? Number(found[1]) : 1;
  return Math.max(1, Math.min(count2, n));
}
var StoryView = class {
  /**
   * root: the tab's panel; example: the shared Example; select(): shows this tab (the page's
   * tab switcher); served: a server answers (else the scenes that need one say so);
   * samples: test digits embedded in an exported page ([{label, pixels_255}]); keys: where ←
   * and → turn the scenes (a notebook's widget listens on itself only, not the whole notebook);
   * address: the scene is kept in the page's address (#scene=N), which can open it (not in a
   * notebook, whose address is the notebook's).
   */
  constructor(root, example, { served = true, select = () => {
  }, samples = null, keys = document, address = true } = {}) {
    this.address = address;
    this.root = root;
    this.example = example;
    this.served = served;
    this.samples = samples;
    this.select = select;
    this.model = null;
    this.index = 0;
    this.scene = null;
    this.timeline = new Timeline();
    this.motion = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.build();
    example.onChange(() => this.refresh(true));
    this.timeline.onChange(() => this.showControls());
    new MutationObserver(() => this.shownOrHidden()).observe(root, {
      attributes: true,
      attributeFilter: ["hidden"]
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
          e.preventDefault();
          this.go(i);
        }
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
    const control = (text, testid, action) => button(text, { dataset: { testid }, onclick: action });
    this.back = control("\u2190 Back", "story-back", () => this.go(this.index - 1));
    this.next = control("Next \u2192", "story-next", () => this.go(this.index + 1));
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
        this.status
      )
    );
    this.summary = el("summary", { className: "story-example-summary" });
    const phone = window.matchMedia("(max-width: 600px)").matches;
    this.root.replaceChildren(
      el(
        "details",
        { className: "story-example", open: !phone },
        this.summary,
        this.example.topBar(this.labelSelect)
      ),
      el("nav", { "aria-label": "Scenes of the story" }, this.strip),
      this.article
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
      this.go(this.index);
    }
  }
  key(e) {
    if (this.root.hidden || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest && e.target.closest("input, select, textarea, [role=tab]")) return;
    const to = { ArrowLeft: this.index - 1, ArrowRight: this.index + 1 }[e.key];
    if (to === void 0) return;
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
      this.showLabel();
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
    this.where.textContent = `${CHAPTERS[scene.chapter]} \xB7 scene ${this.index + 1} of ${SCENES.length}`;
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
      api: example.api,
      // the server's answers (or a notebook kernel's)
      timeline: this.timeline,
      motion: this.motion,
      say: (text) => this.words.textContent = text,
      busy: (promise) => this.busy(promise),
      animate: (stages, render2) => this.timeline.run(stages, render2, { autoplay })
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
    this.status.textContent = moves && stage ? `${stage.name} (${tl.stage + 1} of ${tl.stages.length})` : "";
  }
};

// src/digitnet/widgets/widget.js
var CSS = (style_default + chapters_default).replace(/^(?::root|body) \{/gm, ":host {");
function markup(view) {
  const found = static_default.match(new RegExp(`<!-- export:${view} -->([\\s\\S]*?)<!-- /export:${view}`));
  if (!found) throw new Error(`index.html lost its export:${view} markers`);
  return found[1];
}
function kernelApi(model) {
  const waiting = /* @__PURE__ */ new Map();
  let next = 0;
  const listen = (msg) => {
    if (msg.type !== "answer" || !waiting.has(msg.id)) return;
    const { resolve, reject } = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error === void 0) return resolve(msg.answer);
    reject(Object.assign(new Error(msg.error), { status: msg.status }));
  };
  model.on("msg:custom", listen);
  const request = (path, options = {}) => new Promise((resolve, reject) => {
    next += 1;
    waiting.set(next, { resolve, reject });
    const { method = "GET", body = null } = options;
    model.send({ type: "request", id: next, path, method, body });
  });
  return { request, close: () => model.off("msg:custom", listen) };
}
function follow(model, name, show) {
  const changed = () => show(model.get(name));
  model.on(`change:${name}`, changed);
  return () => model.off(`change:${name}`, changed);
}
function send(model, values) {
  for (const [name, value2] of Object.entries(values)) model.set(name, value2);
  model.save_changes();
}
var same = (a, b) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
function drawWidget(model, root) {
  root.innerHTML = markup("draw");
  const view = new DrawView(root.querySelector("#view-draw"));
  let shown = [];
  let started = false;
  view.onResult((x) => {
    shown = Array.from(x);
    if (started && !same(shown, model.get("pixels"))) send(model, { pixels: shown });
  });
  const show = (pixels2) => {
    if (same(pixels2, shown)) return;
    if (pixels2.some((v) => v > 0))
      view.showImage(
        pixels2.map((v) => v * 255),
        "set from Python"
      );
    else view.clear();
  };
  const start = () => {
    show(model.get("pixels"));
    started = true;
  };
  return { view, start, undo: [follow(model, "pixels", show)] };
}
function learningWidget(make) {
  return (model, root, example) => {
    const view = make(root, example, model);
    const show = () => {
      const x = Float64Array.from(model.get("example"));
      const label = model.get("label");
      const sameX = same(x, example.x);
      if (sameX && label === example.labelFor(view.model)) return;
      if (!sameX) {
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
      undo: [follow(model, "example", show), follow(model, "label", show)]
    };
  };
}
function kernelEvents(model) {
  const listeners = /* @__PURE__ */ new Map();
  const heard = (msg) => (listeners.get(msg.type) || []).forEach((f) => f({ data: JSON.stringify(msg) }));
  model.on("msg:custom", heard);
  return {
    addEventListener: (kind2, f) => listeners.set(kind2, [...listeners.get(kind2) || [], f]),
    close: () => model.off("msg:custom", heard)
  };
}
function rideAlong(model, root, request) {
  const box = document.createElement("div");
  root.append(
    section(
      "The ball, while a cell trains",
      "Train with on_event=widget.ride_along (digitnet.training.fit or train): the ball is the network being trained, on a slice of its real cost through the weights after its first step, as the cell runs.",
      box
    )
  );
  const ball2 = mountBall(box, { api: request, events: () => kernelEvents(model) });
  const started = (msg) => msg.type === "run" && ball2.follow();
  model.on("msg:custom", started);
  return () => {
    model.off("msg:custom", started);
    ball2.destroy();
  };
}
var WIDGETS = {
  draw: drawWidget,
  backprop: learningWidget(
    (root, example, model) => new BackpropView(root, example, { samples: model.get("samples") })
  ),
  gradient: learningWidget((root, example) => new GradientView(root, example)),
  chain: learningWidget((root, example) => new ChainView(root, example)),
  story: learningWidget(
    (root, example, model) => new StoryView(root, example, {
      served: false,
      samples: model.get("samples"),
      keys: root,
      address: false
      // the notebook's address is not the story's
    })
  )
};
function render({ model, el: el2 }) {
  const host = document.createElement("div");
  host.className = "digitnet-widget";
  el2.append(host);
  const shadow = host.attachShadow({ mode: "open" });
  const root = document.createElement("section");
  root.className = "view";
  shadow.append(Object.assign(document.createElement("style"), { textContent: CSS }), root);
  const kernel = kernelApi(model);
  const example = new Example({
    served: model.get("served"),
    samples: model.get("samples"),
    // test digits to choose from, when the kernel has them
    request: kernel.request
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
var widget_default = { render };
export {
  widget_default as default
};
