// Wording helpers shared by diagnostics, hover and code lens.
import type { Workload } from '../model/types';

/** Quotes a manifest string for a plain-text message. */
export function quote(s: string): string {
  return `'${s}'`;
}

/** `Deployment shop/web`: kind, namespace and name, as messages name a workload. */
export function describeWorkload(w: Workload): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

export function replicasText(w: Workload): string {
  if (w.kind === 'DaemonSet') return 'one per node';
  if (w.kind === 'Pod') return '1 pod';
  if (w.kind === 'Job' || w.kind === 'CronJob') return 'run to completion';
  const n = w.replicas ?? 1;
  return `${n} replica${n === 1 ? '' : 's'}`;
}

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>&~"'=:$]/g;

/**
 * Escapes untrusted manifest text for hover markdown: every markdown or HTML character is
 * backslash-escaped or made an entity, so a name such as `<img src=x onerror=…>` stays text.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(MARKDOWN_SPECIAL, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`)).replace(/\r?\n/g, ' ');
}

/**
 * Inline code for untrusted text. Text with characters that markdown or HTML could read as markup
 * is written as escaped plain text instead (a code span cannot hold an escape or an entity).
 */
export function code(s: string): string {
  if (/[`<>&\\\r\n]/.test(s)) return escapeMarkdown(s);
  return '`' + s + '`';
}
