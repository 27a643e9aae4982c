// The connection's message writers (main.ts). Over stdio: vscode-jsonrpc's StreamMessageWriter
// writes each message as two writes (header, then body once the header's write is done) under a
// lock, one message at a time: a warm start's 1,800 lists at M were 3,600 pipe writes and as many
// turns, a tenth of its CPU before the lists were out. This one frames each message at once and
// writes the messages of one turn together (the stream corked until the next tick), in order;
// pre-encoded diagnostics are written as they are (encodedDiagnostics.ts). Over IPC (VS Code's
// transport), the channel serializes each message itself; vscode-jsonrpc's IPCMessageWriter says a
// message is written before the channel has taken it, so a warm start began reading the workspace
// while its lists were still going out, slowing them (at M, CPU until nine in ten lists 1.2 s, where
// stdio took 0.8 s). This one resolves a write once the channel has taken the message, as the stdio
// writer does once the stream has.
import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { messageText } from './encodedDiagnostics';

/** Over stdio. */
export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;
  private corked = false;

  constructor(private readonly stream: Writable) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let body: Buffer;
    try {
      body = Buffer.from(messageText(msg), 'utf8');
    } catch (error) {
      this.fireError(error as Error, msg, ++this.errorCount);
      return Promise.reject(error as Error);
    }
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.corked = false;
        this.stream.uncork();
      });
    }
    return new Promise((resolve, reject) => {
      this.stream.write(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii');
      this.stream.write(body, (error?: Error | null) => {
        if (!error) return resolve();
        this.fireError(error, msg, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}

/** The channel to the parent process (`process` when started with an IPC channel). */
export interface IpcChannel {
  send?(message: unknown, sendHandle: undefined, options: undefined, callback: (error: Error | null) => void): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export class IpcMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly channel: IpcChannel) {
    super();
    channel.on('error', (error: Error) => this.fireError(error));
    channel.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        this.fireError(error, msg, ++this.errorCount);
        reject(error);
      };
      try {
        if (!this.channel.send) return resolve(); // no channel (any more): nothing to write to, as IPCMessageWriter does
        this.channel.send(msg, undefined, undefined, (error) => (error ? fail(error) : resolve()));
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  end(): void {}
}
