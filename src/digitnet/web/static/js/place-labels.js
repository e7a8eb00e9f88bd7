// Words on a picture: each label near its point, inside the picture, none over another. No DOM.

const apart = (a, b) =>
  a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;

/**
 * labels [{text, x, y, …}] (x, y: where the text would start, at its baseline) in a picture
 * width × height; measure(text) → its width. Returns copies, moved as little as they must: into
 * the picture (shifted left where they would run off the right), then a line down or up at a
 * time until they cover no label placed before them (the first keep their places) and none of
 * the boxes in `avoid` ([{left, right, top, bottom}]: marks the words must leave visible).
 */
export function placeLabels(labels, width, height, measure, line = 14, avoid = []) {
  const placed = [...avoid];
  return labels.map((label) => {
    const w = measure(label.text);
    const x = Math.max(4, Math.min(label.x, width - w - 4));
    const boxAt = (y) => ({ left: x, right: x + w, top: y - line + 3, bottom: y + 3, y });
    const inside = (b) => b.top >= 0 && b.bottom <= height;
    let box = null;
    for (let k = 0; k <= 2 * Math.ceil(height / line) && !box; k++) {
      const b = boxAt(label.y + (k % 2 ? -1 : 1) * Math.ceil(k / 2) * line);
      if (inside(b) && placed.every((p) => apart(p, b))) box = b;
    }
    box ??= boxAt(Math.min(height - 3, Math.max(line - 3, label.y)));
    placed.push(box);
    return { ...label, x, y: box.y };
  });
}
