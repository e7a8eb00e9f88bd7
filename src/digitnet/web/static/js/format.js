// Numbers as the page writes them. format(spec) reads the small part of the format-specifier
// language the page uses ([sign][,][.precision][~][type], type one of d e f g r %; none), with
// the behaviour d3-format documents (tests/js/format.test.js holds it equal to d3-format). The
// kinds below it are the page's one way to show each kind of number; every view uses them.
// No DOM here.

const MINUS = "\u2212"; // −, the real minus sign
const INFINITY = { true: "∞", false: "Infinity" }; // how d, and every other type, write it
const SPEC = /^([-+ (])?(,)?(?:\.(\d+))?(~)?([defgr%])?$/;

/** A format specifier, parsed: {sign, comma, precision (null when absent), trim, type}. */
export function parseSpec(spec) {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`unsupported number format: ${spec}`);
  return {
    sign: m[1] ?? "-",
    comma: Boolean(m[2]),
    precision: m[3] === undefined ? null : Number(m[3]),
    trim: Boolean(m[4]),
    type: m[5] ?? "",
  };
}

/** "0.0021" → digits "21", exponent −3: the significant digits of |x| rounded to p of them. */
function significant(x, p) {
  const text = Math.abs(x).toExponential(p - 1);
  const e = text.indexOf("e");
  return { digits: text.slice(0, e).replace(".", ""), exponent: Number(text.slice(e + 1)) };
}

// p significant digits written without an exponent: 0.000123, 1200, 12.3
function rounded(x, p) {
  if (x === 0) return "0";
  const { digits, exponent } = significant(x, p);
  if (exponent < 0) return `0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length > exponent + 1)
    return `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return digits + "0".repeat(exponent + 1 - digits.length);
}

// |x| as the type writes it, before sign, grouping and trimming
const WRITERS = {
  "": (x, p) => Math.abs(x).toPrecision(p),
  d: (x) => BigInt(Math.abs(Math.round(x))).toString(), // every digit, even past 1e21
  e: (x, p) => Math.abs(x).toExponential(p),
  f: (x, p) => Math.abs(x).toFixed(p),
  g: (x, p) => Math.abs(x).toPrecision(p),
  r: (x, p) => rounded(x, p),
  "%": (x, p) => Math.abs(x * 100).toFixed(p),
};

// the precision used when the specifier has none, within the range each type allows
function precisionOf({ type, precision }) {
  if (precision === null) return type === "" ? 12 : 6;
  return type === "g" || type === "r" || type === ""
    ? Math.min(21, Math.max(1, precision))
    : Math.min(20, Math.max(0, precision));
}

// 0.500 → 0.5, 1.20e-5 → 1.2e-5, 3.000 → 3
function trimZeros(text) {
  const e = text.indexOf("e");
  const [mantissa, rest] = e < 0 ? [text, ""] : [text.slice(0, e), text.slice(e)];
  if (!mantissa.includes(".")) return text;
  return mantissa.replace(/0+$/, "").replace(/\.$/, "") + rest;
}

// 1234567.5 → 1,234,567.5
function group(text) {
  const end = text.search(/[.e]/);
  const whole = end < 0 ? text : text.slice(0, end);
  return whole.replace(/\B(?=(\d{3})+$)/g, ",") + (end < 0 ? "" : text.slice(end));
}

/** A function writing numbers by the specifier, as d3-format's format(spec) would. */
export function format(spec) {
  const s = typeof spec === "string" ? parseSpec(spec) : spec;
  const p = precisionOf(s);
  const write = WRITERS[s.type];
  const trim = s.trim || s.type === "";
  return (value) => {
    const x = Number(value);
    let text = Number.isFinite(x)
      ? write(x, p)
      : Number.isNaN(x)
        ? "NaN"
        : INFINITY[s.type === "d"];
    if (trim) text = trimZeros(text);
    // −0.00 is written 0.00 (but +0.00 keeps its sign)
    const negative = (x < 0 || 1 / x < 0) && (Number(text) !== 0 || s.sign === "+");
    if (s.comma) text = group(text);
    if (s.type === "%") text += "%";
    if (s.sign === "(") return negative ? `(${text})` : text;
    return (negative ? MINUS : s.sign === "-" ? "" : s.sign) + text;
  };
}

/** The exponent of x as toExponential writes it: −3 for 0.0021; NaN for 0 (no digits). */
export function exponentOf(x) {
  if (x === 0 || !Number.isFinite(x)) return NaN;
  const text = Math.abs(x).toExponential();
  return Number(text.slice(text.indexOf("e") + 1));
}

/** Decimals enough to tell apart numbers `step` apart (d3-format's precisionFixed). */
export function precisionFixed(step) {
  return Math.max(0, -exponentOf(Math.abs(step)));
}

/** Significant digits enough to tell apart numbers `step` apart, up to `max` (precisionRound). */
export function precisionRound(step, max) {
  const s = Math.abs(step);
  const m = Math.abs(max) - s;
  return Math.max(0, exponentOf(m) - exponentOf(s)) + 1;
}

// ---- the page's kinds of number -------------------------------------------------------------

/** The page's spelling of a formatted number: the real minus in exponents too, no "e+", no
 * "e0" (1e+0 is 1). */
export const pretty = (text) =>
  text.replace(/e\+0$/, "").replace("e-", `e${MINUS}`).replace("e+", "e");

const kind = (spec) => {
  const f = format(spec);
  return (v) => (v === null || v === undefined || Number.isNaN(v) ? "—" : pretty(f(v)));
};

/** A cost, a norm, an activation or any unsigned quantity: 4 significant digits, 0.3014, 0.5000 (never trimmed, so a
 * list of them lines up). */
export const value = kind(".4g");
/** A weight, a gradient component, a change: signed, 3 significant digits, +0.0123, +0.0000500,
 * −1.20e−7. */
export const change = kind("+.3g");
/** An activation or an output, between 0 and 1: three decimals, 0.982. */
export const activation = kind(".3f");
/** An accuracy or a share (a fraction): percent with one decimal, 97.5%. */
export const percent = kind(".1%");
/** A count: a whole number with thousands separators, 12,544. */
export const count = kind(",d");
/** A duration in seconds: one decimal, 2.4 s. */
export const seconds = (s) => `${kind(".1f")(s)} s`;
/** A step size or a setting as typed: up to 6 significant digits, no trailing zeros. */
export const setting = kind("~g");

/** A count and its noun, the noun plural unless the count is 1: "1 epoch", "3 epochs". */
export const counted = (n, noun) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;
