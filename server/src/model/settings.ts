// Normalising user-supplied settings into model types (shared by the CLI flags and the LSP settings).
import type { IngressControllerIdentity } from './types';
import { DEFAULT_INGRESS_CONTROLLER } from './types';

/**
 * Labels given as a map (`{ "k": "v" }`, settings.json and the CLI's JSON) or as the Settings UI
 * writes them: `k=v` pairs separated by commas. Pairs without `=` are ignored.
 */
function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'string') {
    for (const pair of v.split(',')) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq).trim();
      if (eq > 0 && key) out[key] = pair.slice(eq + 1).trim();
    }
  } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Reads an ingress controller identity leniently: missing parts take the defaults of SPEC §3. */
export function normalizeIngressController(value: unknown): IngressControllerIdentity {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return {
    namespace: typeof v.namespace === 'string' && v.namespace ? v.namespace : DEFAULT_INGRESS_CONTROLLER.namespace,
    namespaceLabels: stringRecord(v.namespaceLabels),
    podLabels: stringRecord(v.podLabels),
  };
}
