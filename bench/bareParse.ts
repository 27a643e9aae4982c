// The bare cost of reading YAML with the `yaml` library, for the benchmark's ratio (our whole
// index versus parsing alone). A benchmark, not product code: it imports `yaml` directly because
// it measures the library itself (in the product only server/src/yaml/ imports it).
import { LineCounter, parseAllDocuments } from 'yaml';

/** Parses every document of a text the way a plain YAML tool would; returns the document count. */
export function bareParseAll(text: string): number {
  const docs = parseAllDocuments(text, { lineCounter: new LineCounter() });
  return Array.isArray(docs) ? docs.length : 0;
}
