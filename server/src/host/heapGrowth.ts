// How far V8 lets the heap grow past what a full collection left live. By default it may take up
// to as much again (and more while the heap is young), and both executables keep their model to
// the end, so that room is mostly peak memory. Growing by half instead: the CLI's check at L (50k
// objects) 480 → 373 MB peak RSS, the language server with every file of L open 510–750 → about
// 450 MB; CPU unchanged within the noise.
//
// While the CLI reads its inputs, though, nearly everything allocated stays alive to the end (the
// full collections of a check at L, growing by half, freed 3, 2, 4, 5 and 16 MB of 18, 40, 74, 122
// and 209 MB). Each of them marked the whole growing heap again, on a second thread, and with
// marking under way every pointer written took the slow path. So the CLI lets the heap grow by
// 300 % until its inputs are indexed, then by half again: at L 5 full collections → 2, check's
// CPU 7.6 → 6.9 s (wall 6.0 → 5.5 s), peak RSS 345 → 357 MB; at 100k objects 15.0–15.9 → 13.4–14.0 s
// CPU, peak 590 → 590–635 MB; at M unchanged.
import * as v8 from 'node:v8';

/** The growth while a CLI run reads and indexes its inputs. */
export const LOADING_HEAP_GROWTH_PERCENT = 300;
/** The growth after that, and in the language server throughout. */
export const SETTLED_HEAP_GROWTH_PERCENT = 50;

/** The CLI, until its inputs are indexed: grow by 300 %. */
export function growHeapWhileLoading(): void {
  setHeapGrowth(LOADING_HEAP_GROWTH_PERCENT);
}

/** Grow by half (the language server from its start, the CLI once its inputs are indexed). */
export function limitHeapGrowth(): void {
  setHeapGrowth(SETTLED_HEAP_GROWTH_PERCENT);
}

// V8 reads `_` and `-` in flag names alike.
const GROWTH_GIVEN = /heap[-_]growing[-_]percent/;

function setHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent, process.env.NODE_OPTIONS, process.execArgv);
  if (flag) v8.setFlagsFromString(flag);
}

/** The V8 flag that sets the growth to `percent`, or undefined when the user gave one (NODE_OPTIONS, node's own flags): theirs wins. */
export function heapGrowthFlag(percent: number, nodeOptions: string | undefined, execArgv: readonly string[]): string | undefined {
  return GROWTH_GIVEN.test(`${nodeOptions ?? ''} ${execArgv.join(' ')}`) ? undefined : `--heap-growing-percent=${percent}`;
}
