// The network's forward pass in the browser, a' = σ(W a + b), from the weights the server sends
// (or the export embeds): base64 little-endian float32/float64, W row-major (n_out, n_in).

// base64 of little-endian floats → a Float32Array (or Float64Array for dtype "float64").
export function decodeFloats(b64, dtype = "float32") {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return dtype === "float64" ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
}

export function decodeModel(json) {
  const decode = (b64) => decodeFloats(b64, json.dtype);
  return { ...json, weights: json.weights.map(decode), biases: json.biases.map(decode) };
}

// σ(z) = ½ + ½·tanh(z/2), the same stable form as functions.sigmoid
const sigmoid = (z) => z.map((v) => 0.5 + 0.5 * Math.tanh(v / 2));
const relu = (z) => z.map((v) => Math.max(v, 0));

function softmax(z) {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / total);
}

// x: 784 inputs → [a¹, …, aᴸ], each a Float64Array; the last is the ten outputs.
export function forward(model, x) {
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
      let s = b[j]; // zⱼ = Σᵢ Wⱼᵢ aᵢ + bⱼ
      for (let i = 0, row = j * nIn; i < nIn; i++) s += W[row + i] * a[i];
      z[j] = s;
    }
    if (l < last) a = model.activation === "relu" ? relu(z) : sigmoid(z);
    else a = model.cost === "cross-entropy" ? softmax(z) : sigmoid(z);
    activations.push(a);
  }
  return activations;
}

export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** A network's weights and biases, counted from its layer sizes. */
export function countParams(sizes) {
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += sizes[l] * sizes[l - 1] + sizes[l];
  return n;
}
