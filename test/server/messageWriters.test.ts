// The message writers (lsp/messageWriters.ts) and pre-encoded diagnostics (lsp/encodedDiagnostics.ts): what
// a client reads back is what vscode-jsonrpc's own writer would have sent, in order, whatever the
// text (Content-Length counts bytes), and pre-encoded params read as the plain ones on any writer.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { type Message, StreamMessageReader } from 'vscode-languageserver/node';
import { EncodedDiagnostics } from '../../server/src/lsp/encodedDiagnostics';
import { IpcMessageWriter, StdioMessageWriter } from '../../server/src/lsp/messageWriters';

const DIAGNOSTICS = [{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } }, severity: 2, code: 'service-unreachable', message: 'Pods “web” 🚫 unreachable' }];
const publish = (params: object): Message => ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params }) as Message;

/** Writes `messages` in one turn through a StdioMessageWriter and reads them back as a client does. */
async function roundTrip(messages: Message[]): Promise<unknown[]> {
  const pipe = new PassThrough();
  const writer = new StdioMessageWriter(pipe);
  const reader = new StreamMessageReader(pipe);
  const read: unknown[] = [];
  const all = new Promise<void>((resolve) =>
    reader.listen((m) => {
      read.push(m);
      if (read.length === messages.length) resolve();
    }),
  );
  await Promise.all(messages.map((m) => writer.write(m)));
  await all;
  reader.dispose();
  return read;
}

describe('message writers', () => {
  it('frames every message by its bytes and keeps their order, pre-encoded diagnostics as the plain ones', async () => {
    const uri = 'file:///ws/svc.yaml';
    const messages = [
      publish({ uri, diagnostics: DIAGNOSTICS }),
      publish(new EncodedDiagnostics(uri, 3, JSON.stringify(DIAGNOSTICS))),
      { jsonrpc: '2.0', id: 1, result: { contents: 'ö'.repeat(70_000) } } as Message,
      publish(new EncodedDiagnostics('file:///ws/ü.yaml', undefined, '[]')),
    ];
    assert.deepEqual(await roundTrip(messages), [
      publish({ uri, diagnostics: DIAGNOSTICS }),
      publish({ uri, version: 3, diagnostics: DIAGNOSTICS }),
      { jsonrpc: '2.0', id: 1, result: { contents: 'ö'.repeat(70_000) } },
      publish({ uri: 'file:///ws/ü.yaml', diagnostics: [] }),
    ]);
  });

  it('reads pre-encoded diagnostics as plain params through any other writer (JSON.stringify)', () => {
    const params = new EncodedDiagnostics('file:///ws/svc.yaml', 7, JSON.stringify(DIAGNOSTICS));
    assert.deepEqual(JSON.parse(JSON.stringify(publish(params))), publish({ uri: 'file:///ws/svc.yaml', version: 7, diagnostics: DIAGNOSTICS }));
    assert.deepEqual(params.diagnostics, DIAGNOSTICS);
  });

  it('over IPC, says a message is written once the channel has taken it, not before', async () => {
    // Reason: a warm start waits for its lists to be written before it reads the workspace.
    const taken: Array<(error: Error | null) => void> = [];
    const channel = { send: (_m: unknown, _h: undefined, _o: undefined, done: (error: Error | null) => void) => taken.push(done) > 0, on: () => channel };
    let written = false;
    const write = new IpcMessageWriter(channel).write(publish({ uri: 'file:///ws/a.yaml', diagnostics: [] })).then(() => (written = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(written, false, 'not before the channel has taken it');
    taken[0]!(null);
    await write;
    assert.equal(written, true);
  });
});
