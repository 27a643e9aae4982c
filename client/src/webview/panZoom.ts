// Pan and zoom of the diagram: drag, wheel, arrow keys, the zoom buttons, fit (readable on the
// first view: centred on the path query's answer or the focused object) and centring on a node.

import type { Box, Layout } from './layout';
import { MIN_TEXT_PX, SMALL_PX } from './measure';
import type { Drawn } from './render';
import { elementById } from './svg';
import type { Transform, VisibleGraph } from './view';

export interface PanZoomHost {
  canvas: SVGSVGElement;
  initial: Transform | undefined;
  laid(): Layout | undefined;
  drawn(): Drawn | undefined;
  view(): VisibleGraph | undefined;
  /** The path query's answer as drawn: the first view centres on it. */
  pathBox(): Box | undefined;
  /** Called after every move (the state keeps the pan/zoom). */
  moved(): void;
}

export interface PanZoom {
  readonly transform: Transform;
  /** True while the canvas is being dragged (no tooltips then). */
  readonly dragging: boolean;
  apply(): void;
  fit(readable?: boolean): void;
  centerOn(id: string): void;
  centerZoom(factor: number): void;
}

/** Below this zoom the smallest text would be under MIN_TEXT_PX: the first view never goes there. */
const READABLE_ZOOM = MIN_TEXT_PX / SMALL_PX;

export function createPanZoom(host: PanZoomHost): PanZoom {
  const canvas = host.canvas;
  let transform: Transform = host.initial ?? { x: 0, y: 0, k: 1 };

  function applyTransform(): void {
    host.drawn()?.viewport.setAttribute('transform', `translate(${transform.x},${transform.y}) scale(${transform.k})`);
    host.moved();
  }

  function zoomAt(factor: number, cx: number, cy: number): void {
    const k = Math.min(4, Math.max(0.05, transform.k * factor));
    const f = k / transform.k;
    transform = { k, x: cx - (cx - transform.x) * f, y: cy - (cy - transform.y) * f };
    applyTransform();
  }

  function fitToView(readable = false): void {
    const laid = host.laid();
    if (!laid || laid.width === 0) return;
    const r = canvas.getBoundingClientRect();
    let k = Math.min(1, (r.width - 24) / laid.width, (r.height - 24) / laid.height);
    if (readable && k < READABLE_ZOOM) {
      k = READABLE_ZOOM;
      // Centre on the focused object; without one, show the start of the flow (top left: the internet and entry points).
      const focusId = host.view()?.nodes.find((n) => n.focused)?.id;
      const anchor = host.pathBox() ?? (focusId ? laid.nodes.get(focusId) : undefined);
      transform = anchor
        ? { k, x: r.width / 2 - (anchor.x + anchor.width / 2) * k, y: r.height / 2 - (anchor.y + anchor.height / 2) * k }
        : { k, x: 12, y: 12 };
    } else {
      transform = { k, x: (r.width - laid.width * k) / 2, y: Math.max(12, (r.height - laid.height * k) / 2) };
    }
    applyTransform();
  }

  function centerOn(id: string): void {
    const box = host.laid()?.nodes.get(id);
    if (!box) return;
    const r = canvas.getBoundingClientRect();
    const k = Math.max(transform.k, 0.8);
    transform = { k, x: r.width / 2 - (box.x + box.width / 2) * k, y: r.height / 2 - (box.y + box.height / 2) * k };
    applyTransform();
  }

  let drag: { x: number; y: number; tx: number; ty: number; id: number; moved: boolean } | undefined;
  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || (ev.target as Element).closest('.node, .ns-header')) return;
    drag = { x: ev.clientX, y: ev.clientY, tx: transform.x, ty: transform.y, id: ev.pointerId, moved: false };
    canvas.setPointerCapture(ev.pointerId);
    canvas.classList.add('panning');
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    transform = { ...transform, x: drag.tx + dx, y: drag.ty + dy };
    applyTransform();
  });
  const endDrag = (ev: PointerEvent): void => {
    if (!drag || ev.pointerId !== drag.id) return;
    drag = undefined;
    canvas.classList.remove('panning');
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = canvas.getBoundingClientRect();
      if (ev.ctrlKey || Math.abs(ev.deltaY) >= Math.abs(ev.deltaX)) {
        const delta = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
        zoomAt(Math.exp(-delta * (ev.ctrlKey ? 0.01 : 0.0015)), ev.clientX - r.left, ev.clientY - r.top);
      } else {
        transform = { ...transform, x: transform.x - ev.deltaX };
        applyTransform();
      }
    },
    { passive: false },
  );
  canvas.addEventListener('keydown', (ev) => {
    if (ev.target !== canvas) return;
    const step = 60;
    const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const m = moves[ev.key];
    if (m) {
      transform = { ...transform, x: transform.x + m[0], y: transform.y + m[1] };
      applyTransform();
      ev.preventDefault();
    }
  });

  function centerZoom(factor: number): void {
    const r = canvas.getBoundingClientRect();
    zoomAt(factor, r.width / 2, r.height / 2);
  }
  elementById('zoom-in').addEventListener('click', () => centerZoom(1.25));
  elementById('zoom-out').addEventListener('click', () => centerZoom(0.8));
  elementById('zoom-fit').addEventListener('click', () => fitToView());

  return {
    get transform() {
      return transform;
    },
    get dragging() {
      return drag !== undefined;
    },
    apply: applyTransform,
    fit: fitToView,
    centerOn,
    centerZoom,
  };
}
