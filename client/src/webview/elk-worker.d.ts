// The ELK worker script, imported as text (`with { type: 'text' }`) and started from a blob URL:
// a webview may not start a worker from its resource origin, and the CSP allows `worker-src blob:`.
declare module 'elkjs/lib/elk-worker.min.js' {
  const source: string;
  export default source;
}
