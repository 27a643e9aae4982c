// Small helpers to build SVG and HTML with createElementNS/textContent: manifest strings are
// only ever text nodes or attribute values set through the DOM, never markup.

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

export function svgText(text: string, attrs: Record<string, string | number>, parent?: Element): SVGTextElement {
  const el = svg('text', attrs, parent);
  el.textContent = text;
  return el;
}

export function html<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string, parent?: Element): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  if (parent) parent.appendChild(el);
  return el;
}

/** Orthogonal polyline with rounded bends. */
export function roundedPath(points: Array<{ x: number; y: number }>, radius = 6): string {
  if (points.length === 0) return '';
  const f = (n: number): string => (Math.round(n * 10) / 10).toString();
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1];
    const c = points[i];
    const n = points[i + 1];
    const d1 = Math.hypot(c.x - p.x, c.y - p.y);
    const d2 = Math.hypot(n.x - c.x, n.y - c.y);
    const r = Math.min(radius, d1 / 2, d2 / 2);
    if (r < 0.5) {
      d += `L${f(c.x)},${f(c.y)}`;
      continue;
    }
    const a = { x: c.x - ((c.x - p.x) / d1) * r, y: c.y - ((c.y - p.y) / d1) * r };
    const b = { x: c.x + ((n.x - c.x) / d2) * r, y: c.y + ((n.y - c.y) / d2) * r };
    d += `L${f(a.x)},${f(a.y)}Q${f(c.x)},${f(c.y)} ${f(b.x)},${f(b.y)}`;
  }
  const last = points[points.length - 1];
  return `${d}L${f(last.x)},${f(last.y)}`;
}

/** The page's element with `id`. The panel's HTML always has it: a missing one is a bug, said as such. */
export function elementById(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`k8s-netmap diagram: the page has no #${id}`);
  return el;
}
