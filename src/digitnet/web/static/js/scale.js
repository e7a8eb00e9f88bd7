// The page's scales: linear and log (base 10, positive domains), each a function from the
// domain to the range with nice(), ticks() and tickFormat() that behave as d3-scale documents
// them (tests/js/scale.test.js holds them equal to d3-scale over many domains). Every axis on
// the page takes its ticks and their labels from here. No DOM here.

import { format, parseSpec, precisionFixed, precisionRound, pretty } from "./format.js";

const ROOT50 = Math.sqrt(50); // a raw step this far past a power of ten rounds up to 10×
const ROOT10 = Math.sqrt(10); // … to 5×
const ROOT2 = Math.SQRT2; // … to 2×

/**
 * The round step for about `count` ticks over [lo, hi] (lo ≤ hi) and the first and last tick
 * as multiples of it: {first, last, step, per}, where a tick is first·step … last·step when
 * step ≥ 1, or first/per … last/per for steps below 1 (per = 1/step, so ticks are exact).
 */
function tickPlan(lo, hi, count) {
  const raw = (hi - lo) / Math.max(0, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / Math.pow(10, power);
  const factor = error >= ROOT50 ? 10 : error >= ROOT10 ? 5 : error >= ROOT2 ? 2 : 1;
  let first;
  let last;
  let step = 0;
  let per = 0;
  if (power < 0) {
    per = Math.pow(10, -power) / factor;
    first = Math.round(lo * per);
    last = Math.round(hi * per);
    if (first / per < lo) first += 1;
    if (last / per > hi) last -= 1;
  } else {
    step = Math.pow(10, power) * factor;
    first = Math.round(lo / step);
    last = Math.round(hi / step);
    if (first * step < lo) first += 1;
    if (last * step > hi) last -= 1;
  }
  if (last < first && count >= 0.5 && count < 2) return tickPlan(lo, hi, count * 2);
  return { first, last, step, per };
}

/** About `count` round numbers between start and stop, in the order start → stop. */
export function ticks(start, stop, count) {
  if (!(count > 0)) return [];
  if (start === stop) return [start];
  const reverse = stop < start;
  const { first, last, step, per } = reverse
    ? tickPlan(stop, start, count)
    : tickPlan(start, stop, count);
  if (!(last >= first)) return [];
  const out = [];
  for (let i = 0; i <= last - first; i++) {
    const k = reverse ? last - i : first + i; // (−0 + 0 is 0: no −0 tick from the ascending side)
    out.push(per ? k / per : k * step);
  }
  return out;
}

/** The tick step as d3-array's tickIncrement gives it: the step, or −1/step below 1. */
export function tickIncrement(start, stop, count) {
  const { step, per } = tickPlan(start, stop, count);
  return per ? -per : step;
}

/** The distance between two ticks, signed like stop − start. */
export function tickStep(start, stop, count) {
  const reverse = stop < start;
  const inc = reverse ? tickIncrement(stop, start, count) : tickIncrement(start, stop, count);
  return (reverse ? -1 : 1) * (inc < 0 ? 1 / -inc : inc);
}

// from t in [0, 1] to the range
const lerp = ([r0, r1], t) => r0 * (1 - t) + r1 * t;

/** A linear scale from domain [d0, d1] to range [r0, r1]: scale(v) → position. */
export function linearScale(domain = [0, 1], range = [0, 1]) {
  const [d0, d1] = domain;
  const scale = (v) => lerp(range, d1 === d0 ? 0.5 : (v - d0) / (d1 - d0));
  scale.type = "linear";
  scale.domain = [d0, d1];
  scale.range = [...range];
  scale.invert = (y) => d0 + ((y - range[0]) / (range[1] - range[0])) * (d1 - d0);
  scale.ticks = (count = 10) => ticks(d0, d1, count);
  scale.tickFormat = (count = 10, spec = ",f") => linearTickFormat(d0, d1, count, spec);
  /** The domain widened to round numbers (a tick step for about `count` ticks). */
  scale.nice = (count = 10) => linearScale(niceDomain(d0, d1, count), range);
  return scale;
}

function niceDomain(d0, d1, count) {
  const reverse = d1 < d0;
  let [lo, hi] = reverse ? [d1, d0] : [d0, d1];
  let previous;
  for (let round = 0; round < 10; round++) {
    const inc = tickIncrement(lo, hi, count);
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
  return [d0, d1]; // no round step found (an empty or non-finite domain): left as it was
}

// Labels for a linear axis: the specifier's precision, when it has none, just enough to tell
// ticks a step apart.
function linearTickFormat(d0, d1, count, spec) {
  const s = parseSpec(spec);
  const step = tickStep(d0, d1, count);
  if (s.precision === null) {
    if ("egr".includes(s.type)) {
      const p = precisionRound(step, Math.max(Math.abs(d0), Math.abs(d1)));
      if (!Number.isNaN(p)) s.precision = p - (s.type === "e" ? 1 : 0);
    } else if (s.type === "f" || s.type === "%") {
      const p = precisionFixed(step);
      if (!Number.isNaN(p)) s.precision = p - (s.type === "%" ? 2 : 0);
    }
  }
  return format(s);
}

const pow10 = (k) => Number(`1e${k}`); // exact for whole k

/** A log scale (base 10) from a positive domain [d0, d1] to range [r0, r1]. */
export function logScale(domain = [1, 10], range = [0, 1]) {
  const [d0, d1] = domain;
  const [l0, l1] = [Math.log10(d0), Math.log10(d1)];
  const scale = (v) => lerp(range, l1 === l0 ? 0.5 : (Math.log10(v) - l0) / (l1 - l0));
  scale.type = "log";
  scale.domain = [d0, d1];
  scale.range = [...range];
  scale.invert = (y) => 10 ** (l0 + ((y - range[0]) / (range[1] - range[0])) * (l1 - l0));
  scale.ticks = (count = 10) => logTicks(d0, d1, count);
  /** Labels for the ticks; "" for the ticks left unlabelled so that about `count` are. */
  scale.tickFormat = (count = 10, spec = "~g") => {
    const s = parseSpec(spec);
    if (s.precision === null) s.trim = true;
    const f = format(s);
    const most = Math.max(1, (10 * count) / logTicks(d0, d1, 10).length);
    return (v) => {
      let mantissa = v / pow10(Math.round(Math.log10(v)));
      if (mantissa * 10 < 9.5) mantissa *= 10; // 0.2·10ᵏ⁺¹ is 2·10ᵏ
      return mantissa <= most ? f(v) : "";
    };
  };
  /** The domain widened to whole powers of ten. */
  scale.nice = () => {
    const [lo, hi] = d1 < d0 ? [d1, d0] : [d0, d1];
    const wide = [pow10(Math.floor(Math.log10(lo))), pow10(Math.ceil(Math.log10(hi)))];
    return logScale(d1 < d0 ? wide.reverse() : wide, range);
  };
  return scale;
}

// 1, 2, …, 9 times each power of ten within the domain; over many decades, whole powers of ten
// at a round step; over a small part of one decade, linear ticks.
function logTicks(d0, d1, count) {
  const reverse = d1 < d0;
  const [lo, hi] = reverse ? [d1, d0] : [d0, d1];
  const [l0, l1] = [Math.log10(lo), Math.log10(hi)];
  let out = [];
  if (l1 - l0 < count) {
    for (let k = Math.floor(l0); k <= Math.ceil(l1); k++) {
      for (let m = 1; m < 10; m++) {
        const t = k < 0 ? m / pow10(-k) : m * pow10(k);
        if (t > hi) break;
        if (t >= lo) out.push(t);
      }
    }
    if (out.length * 2 < count) out = ticks(lo, hi, count);
  } else {
    out = ticks(l0, l1, Math.min(l1 - l0, count)).map(pow10);
  }
  return reverse ? out.reverse() : out;
}

/**
 * An axis's ticks for the page: [{value, label}], labels written the page's way (the real minus,
 * no "e+"); on a log axis the unlabelled ticks have label "".
 */
export function axisTicks(scale, count, spec) {
  const label = scale.tickFormat(count, spec);
  return scale.ticks(count).map((value) => ({ value, label: pretty(label(value)) }));
}
