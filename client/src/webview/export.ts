// A standalone SVG of the whole diagram: theme colours resolved (the file is opened outside VS
// Code, where the CSS variables do not exist), the view's pan/zoom dropped, a background added.

import type { Layout } from './layout';
import { SVG_NS } from './svg';

const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'display',
  'visibility',
];

export function exportSvg(canvas: SVGSVGElement, layout: Layout): string {
  const clone = canvas.cloneNode(true) as SVGSVGElement;
  // Walk both trees in step and copy what CSS decided into attributes.
  const src = [canvas, ...canvas.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  for (let i = 0; i < src.length; i++) {
    const el = dst[i];
    if (!(el instanceof SVGElement) || el.tagName === 'defs' || el.tagName === 'marker') continue;
    const cs = getComputedStyle(src[i]);
    for (const p of PROPS) {
      const v = cs.getPropertyValue(p);
      if (v && v !== 'auto' && v !== 'normal') el.setAttribute(p, v);
    }
    el.removeAttribute('class');
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
    el.removeAttribute('focusable');
  }
  // Markers: resolve their paths too (they sit in <defs>, computed styles still apply).
  const markerSrc = canvas.querySelectorAll('marker path');
  const markerDst = clone.querySelectorAll('marker path');
  markerSrc.forEach((m, i) => {
    const cs = getComputedStyle(m);
    for (const p of ['fill', 'stroke', 'stroke-width']) markerDst[i].setAttribute(p, cs.getPropertyValue(p));
    markerDst[i].removeAttribute('class');
  });
  const viewport = clone.querySelector('g');
  const pad = 16;
  const width = Math.ceil(layout.width + pad * 2);
  const height = Math.ceil(layout.height + pad * 2);
  for (const g of clone.children) if (g.tagName === 'g') g.setAttribute('transform', `translate(${pad},${pad})`);
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.removeAttribute('aria-label');
  clone.setAttribute('role', 'img');
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor || '#ffffff');
  clone.insertBefore(bg, viewport ?? null);
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = 'k8s-netmap network diagram';
  clone.insertBefore(title, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}
