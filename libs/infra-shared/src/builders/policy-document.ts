/** IAM policy document types and a shape validator shared by PolicyBuilder and AssumeRolePolicyBuilder. */

/** `{ Operator: { "key": value } }`, e.g. `{ StringEquals: { "cloudwatch:namespace": "TradAI" } }`. */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>>;

/** Who may assume a role: AWS services or a federated (OIDC) provider. */
export type PolicyPrincipal = { readonly Service: string | readonly string[] } | { readonly Federated: string } | { readonly AWS: string | readonly string[] };

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  /** Only in trust (resource-based) policies. */
  readonly Principal?: PolicyPrincipal;
  readonly Condition?: PolicyCondition;
}

/** An IAM policy document. `JSON.stringify` it for `aws.iam.Policy`/`RolePolicy`/`Role.assumeRolePolicy`. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export const POLICY_VERSION = '2012-10-17' as const;

/** `service:Action`, service prefixes are lower case; `*` allowed inside the action part (`s3:Get*`). */
export const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
/** `arn:<partition>:<service>:<region>:<account>:<resource>`; region/account may be empty (S3, IAM). */
export const ARN_PATTERN = /^arn:aws(?:-cn|-us-gov)?:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+$/;
/** IAM allows only alphanumerics in a Sid. */
export const SID_PATTERN = /^[A-Za-z0-9]+$/;

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

function asList(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value;
  return undefined;
}

function checkList(where: string, field: string, value: unknown, check: (item: string) => string | undefined, problems: string[]): void {
  const list = asList(value);
  if (!list || list.length === 0) {
    problems.push(`${where}: ${field} must be a non-empty string or list of strings`);
    return;
  }
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string') {
      problems.push(`${where}: ${field} contains a non-string value ${JSON.stringify(item)}`);
      continue;
    }
    if (seen.has(item)) problems.push(`${where}: ${field} lists "${item}" twice`);
    seen.add(item);
    const problem = check(item);
    if (problem) problems.push(`${where}: ${field} ${problem}`);
  }
}

function checkAction(effect: unknown) {
  return (action: string): string | undefined => {
    if (action === '*') return effect === 'Allow' ? '"*" allows every action of every service' : undefined;
    return ACTION_PATTERN.test(action) ? undefined : `"${action}" is not of the form service:Action`;
  };
}

function checkResource(resource: string): string | undefined {
  if (resource === '*' || ARN_PATTERN.test(resource)) return undefined;
  return `"${resource}" is neither "*" nor an ARN`;
}

function checkCondition(where: string, condition: unknown, problems: string[]): void {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition) || Object.keys(condition).length === 0) {
    problems.push(`${where}: Condition must be a non-empty object of operators`);
    return;
  }
  for (const [operator, block] of Object.entries(condition)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block) || Object.keys(block).length === 0) {
      problems.push(`${where}: Condition.${operator} must be a non-empty object of condition keys`);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const ok = typeof value === 'string' || typeof value === 'boolean' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
      if (!ok) problems.push(`${where}: Condition.${operator}["${key}"] must be a string, boolean or non-empty list of strings`);
    }
  }
}

function checkPrincipal(where: string, principal: unknown, problems: string[]): void {
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) {
    problems.push(`${where}: Principal must be an object ({ Service }, { Federated } or { AWS })`);
    return;
  }
  const entries = Object.entries(principal);
  if (entries.length === 0) problems.push(`${where}: Principal is empty`);
  for (const [kind, value] of entries) {
    if (!['Service', 'Federated', 'AWS'].includes(kind)) {
      problems.push(`${where}: Principal.${kind} is not Service, Federated or AWS`);
      continue;
    }
    checkList(where, `Principal.${kind}`, value, (p) => (p === '*' ? '"*" lets anyone assume the role' : undefined), problems);
  }
}

/**
 * Checks an IAM policy document's shape and returns every problem found (empty list: valid).
 * Identity policies need Action + Resource; trust policies (statements with Principal) need
 * Action and no Resource. Allow with NotAction/NotResource is refused: it grants everything
 * not listed, which is never what a least-privilege role wants.
 */
export function validatePolicyDocument(doc: unknown): string[] {
  const problems: string[] = [];
  if (typeof doc !== 'object' || doc === null) return ['policy document is not an object'];
  const d = doc as Record<string, unknown>;
  if (d['Version'] !== POLICY_VERSION) problems.push(`Version must be "${POLICY_VERSION}" (got ${JSON.stringify(d['Version'])})`);
  const statements = d['Statement'];
  if (!Array.isArray(statements) || statements.length === 0) {
    problems.push('Statement must be a non-empty list');
    return problems;
  }
  const sids = new Set<string>();
  statements.forEach((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`Statement[${i}] is not an object`);
      return;
    }
    const s = raw as Record<string, unknown>;
    const sid = s['Sid'];
    const where = typeof sid === 'string' ? `Statement[${i}] (${sid})` : `Statement[${i}]`;
    for (const key of Object.keys(s)) if (!STATEMENT_KEYS.has(key)) problems.push(`${where}: unknown field ${key}`);
    if (sid !== undefined) {
      if (typeof sid !== 'string' || !SID_PATTERN.test(sid)) problems.push(`${where}: Sid must be alphanumeric`);
      else if (sids.has(sid)) problems.push(`${where}: Sid "${sid}" is used by an earlier statement`);
      else sids.add(sid);
    }
    const effect = s['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') problems.push(`${where}: Effect must be "Allow" or "Deny" (got ${JSON.stringify(effect)})`);
    const isTrust = s['Principal'] !== undefined || s['NotPrincipal'] !== undefined;

    if (s['Action'] !== undefined && s['NotAction'] !== undefined) problems.push(`${where}: has both Action and NotAction`);
    if (s['Action'] === undefined && s['NotAction'] === undefined) problems.push(`${where}: has no Action`);
    if (s['Action'] !== undefined) checkList(where, 'Action', s['Action'], checkAction(effect), problems);
    if (s['NotAction'] !== undefined) {
      if (effect === 'Allow') problems.push(`${where}: NotAction with Allow grants every action not listed`);
      checkList(where, 'NotAction', s['NotAction'], checkAction('Deny'), problems);
    }

    if (isTrust) {
      if (s['Resource'] !== undefined || s['NotResource'] !== undefined) problems.push(`${where}: a trust statement (with Principal) takes no Resource`);
      if (s['NotPrincipal'] !== undefined) problems.push(`${where}: NotPrincipal is not supported here`);
      if (s['Principal'] !== undefined) checkPrincipal(where, s['Principal'], problems);
    } else {
      if (s['Resource'] !== undefined && s['NotResource'] !== undefined) problems.push(`${where}: has both Resource and NotResource`);
      if (s['Resource'] === undefined && s['NotResource'] === undefined) problems.push(`${where}: has no Resource`);
      if (s['Resource'] !== undefined) checkList(where, 'Resource', s['Resource'], checkResource, problems);
      if (s['NotResource'] !== undefined) {
        if (effect === 'Allow') problems.push(`${where}: NotResource with Allow grants every resource not listed`);
        checkList(where, 'NotResource', s['NotResource'], checkResource, problems);
      }
    }
    if (s['Condition'] !== undefined) checkCondition(where, s['Condition'], problems);
  });
  return problems;
}

/** Throws listing every problem `validatePolicyDocument` finds; `label` names the policy. */
export function assertValidPolicyDocument(label: string, doc: unknown): void {
  const problems = validatePolicyDocument(doc);
  if (problems.length > 0) throw new Error(`${label}: invalid policy document:\n  - ${problems.join('\n  - ')}`);
}

/** `tradai-backend` -> `TradaiBackend`: Sids allow only alphanumerics. */
export function toSidPart(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
