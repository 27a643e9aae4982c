// How far V8 lets the heap grow past what a full collection left live. By default it may take up
// to as much again (and more while the heap is young), and both executables keep their model to
// the end, so that room is mostly peak memory. Growing by half instead: the CLI's check at L (50k
// objects) 480 → 373 MB peak RSS, the language server with every file of L open 510–750 → about
// 450 MB; CPU unchanged within the noise.
import * as v8 from 'node:v8';

/** Sets `--heap-growing-percent=50`, unless the user gave a value (NODE_OPTIONS, node's own flags): theirs wins. */
export function limitHeapGrowth(): void {
  if (!`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes('heap-growing-percent')) {
    v8.setFlagsFromString('--heap-growing-percent=50');
  }
}
