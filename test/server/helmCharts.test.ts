// SPEC §2: a chart folder (one with Chart.yaml) is a unit: every file under its templates/ is a
// template, plain ones included, skipped with one helm-template-skipped note per chart (on its
// Chart.yaml). The server follows a Chart.yaml that appears or goes away.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from './lspClient';

const codes = (d: Array<{ code?: string | number }>) => d.map((x) => x.code);

describe('language server: Helm chart folders', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let plain: string;
  let chartYaml: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-chart-'));
    fs.mkdirSync(path.join(root, 'web', 'templates'), { recursive: true });
    plain = path.join(root, 'web', 'templates', 'service.yaml');
    chartYaml = path.join(root, 'web', 'Chart.yaml');
    // A plain manifest (no {{): read as one while there is no Chart.yaml.
    fs.writeFileSync(plain, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n');
    client = new TestClient(root);
    await client.initialize();
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a plain templates/ file is a manifest until a Chart.yaml makes its folder a chart, then one note on Chart.yaml', async () => {
    assert.deepEqual(codes(await client.waitForDiagnostics(plain, (x) => x.length > 0)), ['service-selects-nothing']);
    fs.writeFileSync(chartYaml, 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    client.watched([{ file: chartYaml, type: 1 }]);
    const note = await client.waitForDiagnostics(chartYaml, (x) => x.length > 0);
    assert.deepEqual(codes(note), ['helm-template-skipped']);
    assert.equal(note[0]!.range.start.line, 0);
    assert.deepEqual(await client.waitForDiagnostics(plain, (x) => x.length === 0), []);
  });

  it('the chart goes back to manifests when its Chart.yaml is deleted', async () => {
    fs.rmSync(chartYaml);
    client.watched([{ file: chartYaml, type: 3 }]);
    assert.deepEqual(codes(await client.waitForDiagnostics(plain, (x) => x.length > 0)), ['service-selects-nothing']);
    assert.ok(client.alive());
  });
});
