// Wording helpers shared by diagnostics, hover and code lens.
import type { Workload } from '../model/types';
import { cutText, MAX_LINE_LENGTH } from '../model/text';

export { cutText };

/** Quotes a manifest string for a plain-text message, cut to about 100 characters (SPEC §5). */
export function quote(s: string): string {
  return `'${cutText(s)}'`;
}

/**
 * Text for a code lens title. VS Code reads `$(name)` in a title as an icon, so a manifest string
 * such as `$(alert) click me` is escaped (`\$(`), which VS Code shows as the literal text.
 */
export function lensText(s: string): string {
  return escapeIcons(cutText(s));
}

/** A whole code lens title: cut at a line's length, with `$(icon)` syntax escaped (idempotent). */
export function lensTitle(s: string): string {
  return escapeIcons(cutText(s, MAX_LINE_LENGTH));
}

/** `$(` → `\$(`, except where it is escaped already. */
function escapeIcons(s: string): string {
  return s.replace(/(?<!\\)\$\(/g, '\\$(');
}

/** `Deployment shop/web`: kind, namespace and name, as messages name a workload (each cut). */
export function describeWorkload(w: Workload): string {
  return `${w.kind} ${cutText(w.namespace)}/${cutText(w.name)}`;
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
  return cutText(s).replace(MARKDOWN_SPECIAL, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`)).replace(/\r?\n/g, ' ');
}

/**
 * Inline code for untrusted text. Text with characters that markdown or HTML could read as markup
 * is written as escaped plain text instead (a code span cannot hold an escape or an entity).
 */
export function code(s: string): string {
  s = cutText(s);
  if (/[`<>&\\\r\n]/.test(s)) return escapeMarkdown(s);
  return '`' + s + '`';
}
