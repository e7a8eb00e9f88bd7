// The ball on the landscape, without the DOM: a training run's "plane" and "ball" events
// (digitnet/ball.py) folded into what the picture shows, the same at any moment of a replay;
// where a recorded path (the landscape's optimizers) is after so many examples; and the square
// that maps a slice's (α, β) onto the picture. The projection θ → (α, β) is made once, in
// Python, on the server: the page never holds θ (13,002 numbers and up, 15 times a second).

/**
 * The stream folded: the latest slice (`plane`), the way so far on it (`trail`: the plane's
 * own re-projected points, then every ball since), and the `ball` (null until one arrives).
 * events: [kind, data] pairs in the order they came; only "plane" and "ball" count.
 */
export function foldRun(events) {
  const state = emptyRun();
  for (const [kind, data] of events) applyEvent(state, kind, data);
  return state;
}

/** The state before any event. */
export function emptyRun() {
  return { plane: null, trail: [], ball: null, positions: 0 };
}

/** One event into the state (in place); true if the picture changed. */
export function applyEvent(state, kind, data) {
  if (kind === "plane") {
    state.plane = data;
    state.trail = data.trail.slice();
    state.ball = null; // its (α, β) were on the plane before; its next position comes next
    return true;
  }
  if (kind === "ball" && state.plane && data.plane === state.plane.id) {
    state.ball = data;
    state.trail.push(data);
    state.positions += 1;
    return true;
  }
  return false;
}

/**
 * Where a recorded path is after `examples` training examples: its (α, β) moved in a straight
 * line between the two recorded points around it, and the last recorded point reached (its
 * true cost and how many examples it had seen). path: {points, examples_seen, cost_true}.
 */
export function along(path, examples) {
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

/**
 * The slice's square in a width × height picture, `pad` pixels inside its edges, with one scale
 * for α and β (a step the same length either way looks the same length): {left, top, size,
 * toX, toY}. alphas, betas: the grid's values (first and last are the square's edges).
 */
export function square(alphas, betas, width, height, pad) {
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
    toX: (a) => left + size / 2 + ((a - am) / span) * size,
    toY: (b) => top + size / 2 - ((b - bm) / span) * size,
  };
}
