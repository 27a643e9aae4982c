// statefulset-service-missing (SPEC §3, §5): a StatefulSet's `serviceName` must name a headless
// Service of its namespace that selects its pods, or the per-pod DNS names
// (`<pod>.<serviceName>.<namespace>.svc`) do not exist.
import { podLabelsOf } from '../analysis/links';
import { isEmptySelector, selectorMatches } from '../analysis/selectors';
import type { Workload } from '../model/types';
import { selectorText, type DiagnosticContext } from './diagnostics';
import { type FindingSink, relatedTo } from './findingSink';
import { quote } from './text';

export function checkStatefulSetService(ctx: DiagnosticContext, sink: FindingSink, w: Workload): void {
  if (w.kind !== 'StatefulSet' || !w.serviceName || w.serviceName.value === '') return;
  const svc = ctx.links.service(w.namespace, w.serviceName.value);
  if (!svc) {
    sink.add(
      'statefulset-service-missing',
      w.serviceName.span,
      `No Service ${quote(w.serviceName.value)} in namespace ${quote(w.namespace)}: the pods get no stable DNS names (pod.${w.serviceName.value}.${w.namespace}.svc).`,
    );
  } else if (!svc.headless) {
    sink.add(
      'statefulset-service-missing',
      w.serviceName.span,
      `Service ${quote(svc.name)} is not headless (clusterIP: None), so the pods get no per-pod DNS names.`,
      [relatedTo(svc, 'the Service')],
    );
  } else if (!svc.selector || isEmptySelector(svc.selector) || !selectorMatches(svc.selector, podLabelsOf(w))) {
    // The per-pod records come from the Service's endpoints: it must select these pods.
    const selected = svc.selector && !isEmptySelector(svc.selector) ? ` (selector ${selectorText(svc.selector)})` : ' (it has no selector)';
    sink.add(
      'statefulset-service-missing',
      w.serviceName.span,
      `Headless Service ${quote(svc.name)} does not select this StatefulSet's pods${selected}, so the pods get no per-pod DNS names.`,
      [relatedTo(svc, 'the Service', svc.selector?.span ?? svc.nameSpan), relatedTo(w, 'pod template labels', w.podLabelsSpan)],
    );
  }
}
