// Mesh consumer routes (GAMMA) and Helm charts copied without their Chart.yaml.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import { isHelmTemplatePath } from '../../server/src/host/files';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: echo, namespace: mesh}
spec:
  selector: {app: echo}
  ports: [{port: 80}]
`;

function route(parentRefs: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: consumer}
spec:
  parentRefs:
${parentRefs}
  rules:
    - backendRefs:
        - {name: echo, namespace: mesh, port: 80}
`;
}

function codesOf(routeText: string): string[] {
  const index = new WorkspaceIndex();
  index.setFile('file:///w/svc.yaml', SERVICE);
  index.setFile('file:///w/route.yaml', routeText);
  return diagnoseFile(createDiagnosticContext(new Analysis(index)), 'file:///w/route.yaml').map((f) => f.code);
}

describe('Gateway API mesh routes', () => {
  it('a consumer route may send to the Service it is attached to without a ReferenceGrant', () => {
    // GAMMA: the parentRef is the Service itself, in its own namespace.
    assert.deepEqual(codesOf(route('    - {group: "", kind: Service, name: echo, namespace: mesh}')), []);
  });

  it('a route attached to a Gateway still needs a ReferenceGrant to cross namespaces', () => {
    assert.deepEqual(codesOf(route('    - {name: gw, namespace: infra}')), ['ingress-service-missing']);
  });
});

describe('Helm charts', () => {
  const dir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'unit', 'chart-without-chart-yaml', 'templates');
  it('a plain file beside Helm templates in a templates/ folder is a template too, even without Chart.yaml', () => {
    // The chart was copied without its Chart.yaml; its Service would otherwise select the skipped Deployment's pods.
    assert.equal(isHelmTemplatePath(path.join(dir, 'service.yaml'), () => false), true);
  });

  it('a templates/ folder without Helm actions is read as manifests', () => {
    assert.equal(isHelmTemplatePath('/nowhere/templates/service.yaml', () => false), false);
  });
});
