// Pods with `hostNetwork: true` share their node's network namespace. Kubernetes leaves
// NetworkPolicy behaviour for them undefined and most plugins do not isolate them (SPEC §3), so
// the features never state a certain verdict about them: the wording lives here, in one place.
import type { Workload } from '../model/types';

export function onHostNetwork(w: Workload): boolean {
  return w.hostNetwork === true;
}

/** The hover note on a workload (or on a Service selecting one) that runs on the host network. */
export const HOST_NETWORK_NOTE =
  '_`hostNetwork: true`: these pods use the node\'s network. NetworkPolicy behaviour is undefined for them (most plugins do not isolate them), so the verdicts below are what the policies say, not what the network will do._';

/** The code lens's word for a direction of a host-network workload that policies would isolate. */
export const HOST_NETWORK_LENS = 'undefined (hostNetwork)';
