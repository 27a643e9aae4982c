// Parsing files on the other cores: a small pool of worker_threads running the reader (parseWorker.ts,
// bundled beside the CLI and the server as dist/parseWorker.js). Models come back by structured clone
// (ParsedFile is plain data and a Map). Anything that goes wrong falls back to parsing on the main
// thread, so the pool can only change speed, never results.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParsedFile } from '../model/types';
import { parseFile, type ParseOptions } from '../yaml/parseFile';

export interface ParseJob {
  id: number;
  uri: string;
  text: string;
  options: ParseOptions;
}

export interface ParseResult {
  id: number;
  parsed: ParsedFile | undefined;
}

/** Files are sent in batches of about this many characters (fewer, larger messages). */
const BATCH_CHARS = 256 * 1024;

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { job: ParseJob; resolve: (p: ParsedFile) => void }>();
  private batch: ParseJob[] = [];
  private batchChars = 0;
  private nextId = 0;
  private nextWorker = 0;
  private broken = false;

  private constructor(script: string, size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.on('message', (results: ParseResult[]) => this.settle(results));
      w.on('error', () => this.fail());
      this.workers.push(w);
    }
  }

  /**
   * A pool of `size` workers (default: one per core), or undefined when there is a single core or
   * the worker script is not beside this bundle (the caller then parses on its own thread).
   */
  static create(size = os.availableParallelism?.() ?? os.cpus().length, script = path.join(__dirname, 'parseWorker.js')): ParsePool | undefined {
    if (size < 2 || !fs.existsSync(script)) return undefined;
    try {
      return new ParsePool(script, size);
    } catch {
      return undefined;
    }
  }

  parse(uri: string, text: string, options: ParseOptions): Promise<ParsedFile> {
    if (this.broken) return Promise.resolve(parseFile(uri, text, options));
    const job: ParseJob = { id: this.nextId++, uri, text, options };
    return new Promise((resolve) => {
      this.pending.set(job.id, { job, resolve });
      this.batch.push(job);
      this.batchChars += text.length;
      if (this.batchChars >= BATCH_CHARS) this.flush();
    });
  }

  /** Sends the jobs queued so far (call after the last `parse` of a run). */
  flush(): void {
    if (this.batch.length === 0) return;
    const w = this.workers[this.nextWorker++ % this.workers.length];
    w.postMessage(this.batch);
    this.batch = [];
    this.batchChars = 0;
  }

  private settle(results: ParseResult[]): void {
    for (const r of results) {
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      p.resolve(r.parsed ?? parseFile(p.job.uri, p.job.text, p.job.options));
    }
  }

  /** A worker died: everything still pending is parsed here, and so is everything after. */
  private fail(): void {
    this.broken = true;
    for (const p of this.pending.values()) p.resolve(parseFile(p.job.uri, p.job.text, p.job.options));
    this.pending.clear();
    this.batch = [];
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
