// The stdio connection's message writer. vscode-jsonrpc's StreamMessageWriter writes each message
// as two writes (header, then body once the header's write is done) under a lock, one message at a
// time: a warm start's 1,800 lists at M were 3,600 pipe writes and as many turns, a tenth of its CPU
// before the lists were out. This one frames each message at once and writes the messages of one
// turn together (the stream corked until the next tick), in order; pre-encoded diagnostics are
// written as they are (encodedDiagnostics.ts).
import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import { messageText } from './encodedDiagnostics';

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
