// The cold reader (server/src/yaml/fastParse.ts) against the `yaml` reader: on every file of the
// shared corpus, the examples and the fixtures, and on fuzzed manifests, both give deep-equal
// models (objects, every span, problems, suppressions) or the cold reader declines the file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { coldReaderWanted, fastDocuments } from '../../server/src/yaml/fastParse';
import { parseFile } from '../../server/src/yaml/parseFile';
import { manifestFile } from './fuzzInputs';
import { manifestFilesUnder } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..'); // test/out/unit → the repository
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');
const INPUTS = [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'fixtures'), CORPUS];

/** Whether the cold reader took the file, after checking that its model is the `yaml` reader's. */
function sameModel(uri: string, text: string): boolean {
  const fast = parseFile(uri, text, { fast: true });
  const exact = parseFile(uri, text, {});
  assert.deepEqual(fast, exact, `${uri}: the cold reader's model differs from yaml's`);
  return fastDocuments(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) !== undefined;
}

/** The nodes of the first document, as [start, end] of every node with its kind, for the corner cases. */
const read = (text: string) => fastDocuments(text);

describe('cold reader (fastParse.ts)', () => {
  it('gives the yaml reader\'s model on every file of the corpus, examples and fixtures, or declines', (t) => {
    if (!fs.existsSync(CORPUS)) t.diagnostic(`no shared corpus at ${CORPUS}: examples and fixtures only`);
    let files = 0;
    let taken = 0;
    let corpusTaken = 0;
    let corpusFiles = 0;
    for (const dir of INPUTS) {
      for (const file of manifestFilesUnder(dir)) {
        const text = fs.readFileSync(file, 'utf8');
        const took = sameModel(`file://${file}`, text);
        files++;
        if (took) taken++;
        if (dir === CORPUS) {
          corpusFiles++;
          if (took) corpusTaken++;
        }
      }
    }
    t.diagnostic(`cold reader took ${taken} of ${files} files (shared corpus: ${corpusTaken} of ${corpusFiles})`);
    assert.ok(files > 50);
    // Most manifests are plain block YAML: a reader that declines them all would test nothing.
    assert.ok(taken > files / 2, `took only ${taken} of ${files}`);
  });

  it('gives the yaml reader\'s model on fuzzed manifests, or declines', () => {
    fc.assert(
      fc.property(manifestFile, (f) => {
        sameModel(`file:///w/${f.path}`, f.text);
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('reads plain block YAML, flow collections, block scalars, comments and empty values', () => {
    const text = [
      'apiVersion: v1 # c',
      'kind: Service',
      'metadata:',
      '  name: web',
      '  # a comment between siblings',
      '  labels: {app: web, "tier": \'front\'}',
      '  annotations:',
      '    note: |',
      '      two',
      '      lines',
      '',
      '    empty:',
      'spec:',
      '  ports:',
      '  - port: 80',
      '    targetPort: http # named',
      '  selector:',
      '    app: web',
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: shop}',
      '',
    ].join('\n');
    assert.ok(read(text), 'the cold reader takes this file');
    assert.equal(sameModel('file:///w/a.yaml', text), true);
  });

  for (const [what, text] of [
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  <<: {x: 2}\n'],
    ['a tab', 'a:\t1\n'],
    ['CRLF', 'a: 1\r\nb: 2\r\n'],
    ['non-ASCII', 'a: ünï\n'],
    ['a Helm action', 'a: {{ .Values.x }}\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a syntax error', 'a: [1\n'],
    ['a JSON file', '{"a": 1}\n'],
    ['a multi-line quoted scalar', 'a: "x\n  y"\n'],
    ['an empty document before content', 'a: 1\n---\n---\nb: 1\n'],
    ['an empty value with a comment', 'a: # c\nb: 1\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    // yaml places such comments by their indentation, which decides where the enclosing collections end.
    ['comment lines where a collection ends', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    # image: x\n  # hostNetwork: true\n'],
    ['comment lines at the end of the file', 'apiVersion: v1\nkind: Pod\nspec:\n  x: 1\n# end\n'],
  ] as const) {
    it(`declines ${what}, and the file reads as with yaml`, () => {
      assert.equal(read(text), undefined);
      assert.equal(sameModel('file:///w/a.yaml', text), false);
    });
  }

  it('reads a file after its BOM as yaml does (both read the text without it)', () => {
    assert.equal(sameModel('file:///w/a.yaml', '\ufeffapiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n'), true);
  });

  it('is turned off by K8S_NETMAP_COLD_READER=yaml, and only by that value', () => {
    // The switch is read once per process (coldReaderEnabled), so the variable is tested through
    // the function that reads it.
    assert.equal(coldReaderWanted({ K8S_NETMAP_COLD_READER: 'yaml' }), false);
    assert.equal(coldReaderWanted({}), true);
    assert.equal(coldReaderWanted({ K8S_NETMAP_COLD_READER: 'fast' }), true);
  });
});
