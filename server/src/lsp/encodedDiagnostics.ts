// publishDiagnostics params whose diagnostics are already JSON text (a warm start's recorded lists:
// persistedDiagnostics.ts), and a message's text with that text as it is (the stdio writer's:
// messageWriters.ts). At M a warm start sends 3 MB of them: decoding them to encode them again was a
// fifth of its CPU before the lists were out. Any other writer (IPC, whose channel serializes
// messages itself) reads them as ordinary params through toJSON.
import type { Diagnostic, Message, PublishDiagnosticsParams } from 'vscode-languageserver/node';

export class EncodedDiagnostics implements PublishDiagnosticsParams {
  constructor(
    readonly uri: string,
    readonly version: number | undefined,
    /** The diagnostics' JSON text (an array), as JSON.stringify wrote it. */
    readonly json: string,
    /** The diagnostics themselves when at hand (a list just made); else decoded from `json` when asked. */
    private decoded?: Diagnostic[],
  ) {}

  get diagnostics(): Diagnostic[] {
    return (this.decoded ??= JSON.parse(this.json) as Diagnostic[]);
  }

  /** The params as plain values, for JSON.stringify (any writer but the stdio one below). */
  toJSON(): PublishDiagnosticsParams {
    return this.version === undefined ? { uri: this.uri, diagnostics: this.diagnostics } : { uri: this.uri, version: this.version, diagnostics: this.diagnostics };
  }

  /** The params' JSON text, the diagnostics' as given. */
  encoded(): string {
    const version = this.version === undefined ? '' : `,"version":${this.version}`;
    return `{"uri":${JSON.stringify(this.uri)}${version},"diagnostics":${this.json}}`;
  }
}

/** A message's JSON text: JSON.stringify's, but for EncodedDiagnostics params, written as given. */
export function messageText(msg: Message): string {
  const { params, method } = msg as Message & { params?: unknown; method?: string };
  return params instanceof EncodedDiagnostics ? `{"jsonrpc":${JSON.stringify(msg.jsonrpc)},"method":${JSON.stringify(method)},"params":${params.encoded()}}` : JSON.stringify(msg);
}
