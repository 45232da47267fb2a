/**
 * Resource-based policy documents (queue, topic and key policies), shared by every layer.
 * PolicyBuilder covers identity policies; these carry a Principal *and* a Resource, so they are
 * written here as small pure functions and checked by their tests.
 */

export type ResourcePrincipal = '*' | { readonly Service: string | readonly string[] } | { readonly AWS: string | readonly string[] };

export interface ResourcePolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: ResourcePrincipal;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface ResourcePolicyDocument {
  readonly Version: '2012-10-17';
  readonly Id?: string;
  readonly Statement: readonly ResourcePolicyStatement[];
}

/**
 * Denies any request not made over TLS. `Bool` (not `BoolIfExists`) so that AWS service
 * deliveries, which carry no aws:SecureTransport key, are unaffected.
 */
export function denyInsecureTransport(actions: string | readonly string[], resource: string | readonly string[]): ResourcePolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: actions,
    Resource: resource,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** The policy document with statements in the given order; Sids must be unique. */
export function resourcePolicy(statements: readonly ResourcePolicyStatement[], id?: string): ResourcePolicyDocument {
  const sids = statements.map((s) => s.Sid);
  const dup = sids.find((s, i) => sids.indexOf(s) !== i);
  if (dup) throw new Error(`resource policy${id ? ` ${id}` : ''}: Sid "${dup}" is used twice`);
  for (const s of statements) {
    if (!/^[A-Za-z0-9]+$/.test(s.Sid)) throw new Error(`resource policy${id ? ` ${id}` : ''}: Sid "${s.Sid}" must be alphanumeric`);
  }
  return { Version: '2012-10-17', ...(id ? { Id: id } : {}), Statement: statements };
}
