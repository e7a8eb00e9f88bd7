// Tiny seeded networks for the pure modules' tests.

/** A seeded tiny network (a Park–Miller generator: the same numbers on every machine). */
export function tinyModel(sizes, activation, costName, seed = 1) {
  let state = seed;
  const random = () => ((state = (state * 48271) % 2147483647) / 2147483647) * 2 - 1;
  const weights = sizes.slice(1).map((n, l) => Float64Array.from({ length: n * sizes[l] }, random));
  const biases = sizes.slice(1).map((n) => Float64Array.from({ length: n }, () => 0.5 * random()));
  const x = Float64Array.from({ length: sizes[0] }, () => (random() + 1) / 2);
  return { model: { sizes, activation, cost: costName, weights, biases }, x };
}

/** Numbers in [0, 1) from a seed (Park–Miller): the same on every machine. */
export function seeded(seed = 7) {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}
