import { parseJsonInput } from './graph.js';

/** One statement of an IAM policy document, normalized (single values become lists). */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `"*"` or `{AWS|Service|Federated: string | string[]}`; undefined in identity policies. */
  readonly principal: unknown;
  readonly condition: Record<string, Record<string, unknown>> | undefined;
}

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));

/**
 * The statements of a policy document given as a JSON string or an object (as Pulumi programs
 * pass it). An unparseable or absent document has no statements.
 */
export function policyStatements(policy: unknown): Statement[] {
  const doc = parseJsonInput(policy) as { Statement?: unknown } | undefined;
  if (!doc || typeof doc !== 'object') return [];
  const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return raw
    .filter((s): s is Record<string, unknown> => !!s && typeof s === 'object')
    .map((s) => ({
      sid: typeof s['Sid'] === 'string' ? s['Sid'] : undefined,
      effect: s['Effect'] === 'Deny' ? 'Deny' : 'Allow',
      actions: list(s['Action']),
      notActions: list(s['NotAction']),
      resources: list(s['Resource']),
      notResources: list(s['NotResource']),
      principal: s['Principal'],
      condition: (s['Condition'] as Statement['condition']) ?? undefined,
    }));
}

/** IAM-style wildcard match (`*` any run, `?` one character), case-insensitive as IAM actions are. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
  return re.test(value);
}

/** The principals of a statement as `Kind:value` strings (`*` stays `*`). */
export function principals(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (!principal || typeof principal !== 'object') return [];
  return Object.entries(principal as Record<string, unknown>).flatMap(([kind, v]) => list(v).map((p) => (p === '*' ? '*' : `${kind}:${p}`)));
}

/** Whether a statement denies requests made without TLS (`aws:SecureTransport` false). */
export function isTlsOnlyDeny(s: Statement): boolean {
  if (s.effect !== 'Deny') return false;
  const bool = s.condition?.['Bool'] ?? s.condition?.['BoolIfExists'];
  const secure = bool?.['aws:SecureTransport'];
  const denyAll = s.principal === '*' || principals(s.principal).includes('*') || principals(s.principal).includes('AWS:*');
  return denyAll && (secure === false || secure === 'false' || (Array.isArray(secure) && secure.map(String).includes('false')));
}
