// Semantic corrections of issue 8 (SPEC §2–§5): one test per rule, each with the reason it holds.
// Each of them failed before its change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codes, deployment, diagnose, indexOf, rangeIn, service, URI, withCode } from './helpers';

function diag(text: string, others: Record<string, string> = {}) {
  return diagnose({ [URI]: text, ...others });
}

describe('Service details the API server enforces', () => {
  it('`targetPort: 0` or `""` stands for the port, as the API server defaults it', () => {
    // Reason: SPEC §3: the API server defaults a zero or empty targetPort to `port`, so the Service
    // ends in container port 8080 and nothing is invalid or unresolved.
    for (const written of ['0', '""']) {
      const text = deployment('web', { ports: ['- containerPort: 8080'] }) + service('web', { ports: ['- port: 8080', `  targetPort: ${written}`] });
      assert.deepEqual(codes(diag(text)), [], `targetPort: ${written}`);
      const svc = indexOf(text).services()[0]!;
      assert.equal(svc.ports[0]!.targetPort, 8080);
    }
  });

  it('a protocol other than TCP, UDP or SCTP is port-invalid, on Service and container ports', () => {
    // Reason: SPEC §3/§5: the API server accepts exactly TCP, UDP and SCTP (case-sensitive).
    const text = deployment('web', { ports: ['- containerPort: 8080', '  name: http', '  protocol: HTTP'] }) + service('web', { ports: ['- port: 80', '  targetPort: http', '  protocol: tcp'] });
    const d = withCode(diag(text), 'port-invalid');
    assert.deepEqual(
      d.map((x) => x.range),
      [rangeIn(text, 'protocol: HTTP', 'HTTP'), rangeIn(text, 'protocol: tcp', 'tcp')],
    );
    assert.match(d[0]!.finding.message, /TCP, UDP or SCTP/);
    const ok = deployment('web', { ports: ['- containerPort: 53', '  name: dns', '  protocol: UDP'] }) + service('web', { ports: ['- port: 53', '  targetPort: dns', '  protocol: UDP'] });
    assert.deepEqual(codes(diag(ok)), []);
  });
});
