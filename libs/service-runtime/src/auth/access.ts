import { scopeClaim, type RouteAccess } from '@tradai/contracts';

/** Who called: the verified token's subject, its groups (users) and its scopes. */
export interface Principal {
  readonly sub: string;
  readonly clientId: string;
  /** `cognito:groups` of a user token; empty for M2M tokens. */
  readonly groups: readonly string[];
  /** The `scope` claim, split. */
  readonly scopes: readonly string[];
  /** Client-credentials token: Cognito sets `sub` to the client id and no `username`. */
  readonly machine: boolean;
}

/** The principal of a verified Cognito access token payload. */
export function principalOf(payload: Readonly<Record<string, unknown>>): Principal {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].filter((g): g is string => typeof g === 'string') : [];
  const scopes = str(payload['scope']).split(' ').filter((s) => s !== '');
  const sub = str(payload['sub']);
  const clientId = str(payload['client_id']);
  return { sub, clientId, groups, scopes, machine: payload['username'] === undefined && sub === clientId };
}

/**
 * Why a principal may not call a route, or undefined when it may (pure). A group in the route's
 * list or a scope in its list admits; user tokens carry groups, client-credentials tokens scopes.
 */
export function accessDenial(principal: Principal, access: RouteAccess): string | undefined {
  const wanted = access.scopes.map(scopeClaim);
  if (access.groups.some((g) => principal.groups.includes(g)) || wanted.some((s) => principal.scopes.includes(s))) return undefined;
  if (principal.machine) return wanted.length === 0 ? 'this route is for users, not client-credentials tokens' : `the token needs one of the scopes ${wanted.join(', ')}`;
  return access.groups.length === 0 ? 'this route is for client-credentials tokens, not users' : `the user must be in one of the groups ${access.groups.join(', ')}`;
}
