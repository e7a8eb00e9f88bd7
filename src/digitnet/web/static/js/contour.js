// Contour lines by marching squares: where a grid of values crosses a level, as polylines.
// The lines are those of d3-contour's polygons inside the grid (tests/js/contour.test.js holds
// them equal): a sample counts as inside when value ≥ level, crossings are placed by linear
// interpolation between the two samples of an edge, and a saddle cell keeps its two inside
// corners apart. d3's polygons also run along the grid's border to close; lines do not. No DOM.

/**
 * The lines where `values` (width × height samples, row by row: values[j·width + i]) cross
 * `level`: an array of polylines, each an array of [x, y] in sample coordinates (sample (i, j)
 * at x = i, y = j). A line ends on the grid's border or closes on itself (first point = last).
 */
export function isolines(values, width, height, level) {
  const inside = (i, j) => values[j * width + i] >= level;
  const points = new Map(); // edge key → where the level crosses it
  const links = new Map(); // edge key → the keys it is joined to by a segment
  // the crossing on the edge from sample (i, j) to its right (h) or lower (v) neighbour
  const crossing = (kind, i, j) => {
    const key = `${kind}${j * width + i}`;
    if (!points.has(key)) {
      const [i1, j1] = kind === "h" ? [i + 1, j] : [i, j + 1];
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
      // corners clockwise from the top left; edge k runs from corner k to corner k + 1
      const corner = [inside(i, j), inside(i + 1, j), inside(i + 1, j + 1), inside(i, j + 1)];
      const edges = [
        ["h", i, j],
        ["v", i + 1, j],
        ["h", i, j + 1],
        ["v", i, j],
      ];
      const crossed = [0, 1, 2, 3].filter((k) => corner[k] !== corner[(k + 1) % 4]);
      if (!crossed.length) continue;
      const key = (k) => crossing(...edges[k]);
      if (crossed.length === 2) {
        join(key(crossed[0]), key(crossed[1]));
      } else {
        // a saddle: cut off each inside corner by the two edges that meet at it
        const first = corner[0] ? 0 : 1;
        join(key(first), key((first + 3) % 4));
        join(key(first + 1), key(first + 2));
      }
    }
  }
  return chains(points, links);
}

// Walk the segments into polylines: first from every loose end (on the border), then around
// the closed loops that remain.
function chains(points, links) {
  const lines = [];
  const used = new Set();
  const walk = (start) => {
    const line = [points.get(start)];
    used.add(start);
    let [previous, here] = [null, start];
    for (;;) {
      const next = links.get(here).find((k) => k !== previous && (!used.has(k) || k === start));
      if (next === undefined) break;
      line.push(points.get(next));
      if (next === start) break;
      used.add(next);
      [previous, here] = [here, next];
    }
    lines.push(line);
  };
  for (const [key, to] of links) if (to.length === 1 && !used.has(key)) walk(key);
  for (const key of links.keys()) if (!used.has(key)) walk(key);
  return lines;
}
