// A worker of the parse pool (parsePool.ts): batches of files in, their models out. Only the reader
// runs here; the index and the analysis stay on the main thread.
import { parentPort } from 'node:worker_threads';
import type { ParsedFile } from '../model/types';
import { parseFileUnfitted } from '../yaml/parseFile';
import type { ParseJob, ParseResult } from './parsePool';

const port = parentPort; // null only outside a worker, where there is nothing to answer
port?.on('message', (jobs: ParseJob[]) => {
  const results: ParseResult[] = jobs.map((j) => {
    let parsed: ParsedFile | undefined;
    try {
      // Unfitted: postMessage's clone, what the main thread keeps, has every array at its length.
      parsed = parseFileUnfitted(j.uri, j.text, j.options);
    } catch {
      parsed = undefined; // the main thread parses it again and reports as it always does
    }
    return { id: j.id, parsed };
  });
  port.postMessage(results);
});
