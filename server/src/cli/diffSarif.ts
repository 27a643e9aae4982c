// `diff -o sarif`: SARIF 2.1.0, one result per connection the change opens (an added pair, or a
// changed pair allowed more than before), located on the object change that causes it
// (analysis/diff/attribution.ts): the first candidate is the location, the others are related
// locations. A removed object is located where it was (for `--base`, its path in the working tree,
// where the file may no longer be). A result with no candidate has no location and says so.
// Sources from outside the cluster (addresses, the ingress controller, entire-cluster) are
// warnings; the rest notes.

import { diffRows, type ConnectivityDiff } from '../analysis/diff';
import { ChangeAttributor, type Cause, type DiffTree } from '../analysis/diff/attribution';
import { isExposureSource, opensConnections } from '../analysis/diff/failOn';
import { displayPath } from '../host/files';
import { positionAt } from '../model/positions';
import { sarifLocation, sarifLog } from './sarif';

const RULE_ADDED = 'connection-added';
const RULE_EXPOSURE = 'exposure-added';
const HELP = 'https://github.com/k8s-netmap/k8s-netmap#command-line';

export function formatDiffSarif(diff: ConnectivityDiff, before: DiffTree, after: DiffTree, cwd: string): string {
  const attributor = new ChangeAttributor(before, after);
  const locate = (c: Cause): unknown => {
    const tree = c.tree === 'before' ? before : after;
    const lineStarts = tree.index.file(c.object.uri)?.lineStarts ?? [0];
    const l = {
      file: displayPath(c.object.uri, cwd),
      start: positionAt(lineStarts, c.object.span.start),
      end: positionAt(lineStarts, c.object.kindSpan.end),
    };
    return sarifLocation(l, `${c.object.kind} ${c.object.namespace}/${c.object.name} ${c.change} (${c.role})`);
  };
  const results = diffRows(diff)
    .filter((r) => opensConnections(r.entry))
    .map((r) => {
      const exposure = isExposureSource(r.entry);
      const causes = attributor.causes(r.entry);
      const what = r.diffType === 'added' ? `now allows ${r.ref2}` : `now allows ${r.ref2} (was ${r.ref1})`;
      const cause = causes.length ? ` Caused by ${causes[0].object.kind} ${causes[0].object.namespace}/${causes[0].object.name} (${causes[0].change}).` : ' No single object change was found to cause it.';
      return {
        ruleId: exposure ? RULE_EXPOSURE : RULE_ADDED,
        level: exposure ? 'warning' : 'note',
        message: { text: `${r.src} → ${r.dst} ${what}.${cause}` },
        ...(causes.length ? { locations: [locate(causes[0])] } : {}),
        ...(causes.length > 1 ? { relatedLocations: causes.slice(1).map((c, i) => ({ id: i, ...(locate(c) as object) })) } : {}),
        properties: { diffType: r.diffType, source: r.src, destination: r.dst, ref1: r.ref1, ref2: r.ref2 },
      };
    });
  const rules = [
    { id: RULE_ADDED, shortDescription: { text: 'The change allows a connection that was not allowed before' }, helpUri: HELP, defaultConfiguration: { level: 'note' } },
    { id: RULE_EXPOSURE, shortDescription: { text: 'The change allows a connection from outside the cluster' }, helpUri: HELP, defaultConfiguration: { level: 'warning' } },
  ];
  const sarif = sarifLog(rules, results);
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
