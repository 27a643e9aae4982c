// Entry point of the language server (`node dist/server.js --stdio`, or over IPC from the client).
import { type Connection, createConnection, IPCMessageReader, ProposedFeatures, StreamMessageReader } from 'vscode-languageserver/node';
import { limitHeapGrowth } from '../host/heapGrowth';
import { IpcMessageWriter, StdioMessageWriter } from './messageWriters';
import { NetmapServer } from './server';

limitHeapGrowth();

const connection = process.argv.includes('--stdio')
  ? stdioConnection()
  : process.argv.includes('--node-ipc')
    ? createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IpcMessageWriter(process))
    : createConnection(ProposedFeatures.all);
// Anything written to stdout would corrupt the stdio protocol: route console output to the client's log.
/* eslint-disable no-console -- this is where console output is redirected */
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = console.log;
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
/* eslint-enable no-console */
process.on('uncaughtException', (error) => connection.console.error(`k8s-netmap: uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`k8s-netmap: unhandled rejection: ${String(reason)}`));

new NetmapServer(connection).listen();

/**
 * The connection over stdio, as createConnection makes it from `--stdio`, but with our writer
 * (messageWriters.ts; over IPC too, above). Given a reader and a writer, createConnection no longer exits when stdin ends:
 * done here, as it does.
 */
function stdioConnection(): Connection {
  const made = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StdioMessageWriter(process.stdout));
  let shutdown = false;
  made.onShutdown(() => void (shutdown = true));
  const exit = (): never => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', exit);
  process.stdin.on('close', exit);
  return made;
}
