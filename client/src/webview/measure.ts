// Text measurement for the diagram: font sizes from VS Code's editor font size (never under
// MIN_TEXT_PX at the first view's zoom) and a cached canvas measure that the layout uses.

import type { Measure } from './layout';

/** No text of the diagram is drawn smaller than this at the first view's zoom. */
export const MIN_TEXT_PX = 11;
// Names at the editor's font size (VS Code sets --vscode-editor-font-size on the page), the kind
// line, ports and counts a little smaller, never below MIN_TEXT_PX.
const rootStyle = getComputedStyle(document.documentElement);
const editorPx = parseFloat(rootStyle.getPropertyValue('--vscode-editor-font-size')) || parseFloat(rootStyle.getPropertyValue('--vscode-font-size')) || 13;
const LABEL_PX = Math.min(16, Math.max(12, editorPx));
export const SMALL_PX = Math.max(MIN_TEXT_PX, LABEL_PX - 2);
document.documentElement.style.setProperty('--fs-label', `${LABEL_PX}px`);
document.documentElement.style.setProperty('--fs-small', `${SMALL_PX}px`);
const measureCtx = document.createElement('canvas').getContext('2d');
const bodyFont = getComputedStyle(document.body).fontFamily || 'sans-serif';
const FONT: Record<'label' | 'sublabel' | 'edge', string> = {
  label: `600 ${LABEL_PX}px ${bodyFont}`,
  sublabel: `${SMALL_PX}px ${bodyFont}`,
  edge: `${SMALL_PX}px ${bodyFont}`,
};
const measureCache = new Map<string, number>();
export const measure: Measure = (text, size) => {
  const key = `${size}\u0000${text}`;
  let w = measureCache.get(key);
  if (w === undefined) {
    if (measureCtx) {
      measureCtx.font = FONT[size];
      w = measureCtx.measureText(text).width;
    } else w = text.length * (size === 'label' ? 7.5 : 6.2);
    if (measureCache.size > 20000) measureCache.clear();
    measureCache.set(key, w);
  }
  return w;
};
