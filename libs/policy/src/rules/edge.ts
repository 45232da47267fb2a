import { COGNITO_CONFIG, SERVICES, SERVICE_NAMES, type ServiceName } from '@tradai/infra-shared';
import { physicalName } from '@tradai/infra-shared/testing';
import { parseJsonInput, valuesAt } from '../plan/graph.js';
import type { LocatedResource } from '../plan/model.js';
import { T } from '../plan/tokens.js';
import { finding, type Finding, type Rule } from './types.js';
import { arr, isTrue, num, obj, str } from './util.js';

/** ELB security policies that allow TLS 1.2+ only (TLS13-*, *-TLS-1-2-*, FS-1-2-*). */
const MODERN_TLS_POLICY = /TLS13|TLS-1-2|FS-1-2/;
/** Environment variable names that look like secret values (not references to them). */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY)/i;
const SECRET_REFERENCE = /(_ARN|_NAME|_ID|_URL|_URI|_PATH|_PARAMETER)$/i;
const CLUSTER_CAPACITY_PROVIDERS = 'aws:ecs/clusterCapacityProviders:ClusterCapacityProviders';

/** The SERVICES entry an ECS service resource runs (longest service name in its physical or logical name). */
export function serviceKeyOf(r: { name: string; inputs: Record<string, unknown> }): ServiceName | undefined {
  const names = [physicalName(r.name, r.inputs), r.name];
  return [...SERVICE_NAMES].sort((a, b) => b.length - a.length).find((s) => names.some((n) => n === s || n.includes(`-${s}-`) || n.endsWith(`-${s}`) || n.startsWith(`${s}-`)));
}

/** Container definitions of a task definition (a JSON string input). */
export const containersOf = (td: LocatedResource): Record<string, unknown>[] => arr(parseJsonInput(td.inputs['containerDefinitions'])).map(obj);

const listenersOf = (lb: LocatedResource, listeners: LocatedResource[], refersTo: (v: unknown, r: LocatedResource) => boolean) =>
  listeners.filter((l) => refersTo(l.inputs['loadBalancerArn'], lb));

export const EDGE_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-ELB-001',
    mirrors: ['CKV_AWS_131'],
    severity: 'medium',
    description: 'Application load balancers drop invalid HTTP header fields.',
    types: T.loadBalancer,
    check: (lb) => ((lb.inputs['loadBalancerType'] ?? 'application') !== 'application' || isTrue(lb.inputs['dropInvalidHeaderFields']) ? [] : [finding('dropInvalidHeaderFields', 'is not true')]),
  },
  {
    id: 'TRADAI-ELB-002',
    mirrors: ['AwsSolutions-ELB2', 'CKV_AWS_91', 'awsguard elb-access-logging-enabled'],
    severity: 'medium',
    description: 'Load balancers write access logs to S3.',
    types: T.loadBalancer,
    check: (lb) => {
      const logs = obj(lb.inputs['accessLogs']);
      return isTrue(logs['enabled']) && str(logs['bucket']) ? [] : [finding('accessLogs', 'are not enabled with a bucket')];
    },
  },
  {
    id: 'TRADAI-ELB-003',
    mirrors: ['CKV_AWS_150'],
    severity: 'medium',
    description: 'In prod, load balancers have deletion protection.',
    types: T.loadBalancer,
    environments: ['prod'],
    check: (lb) => (isTrue(lb.inputs['enableDeletionProtection']) ? [] : [finding('enableDeletionProtection', 'is not true in prod')]),
  },
  {
    id: 'TRADAI-ELB-004',
    mirrors: ['CKV_AWS_103'],
    severity: 'high',
    description: 'HTTPS listeners use a TLS 1.2+ security policy.',
    types: T.listener,
    check: (l) => {
      if (l.inputs['protocol'] !== 'HTTPS' && l.inputs['protocol'] !== 'TLS') return [];
      const policy = str(l.inputs['sslPolicy']);
      return policy && MODERN_TLS_POLICY.test(policy) ? [] : [finding('sslPolicy', `is ${policy ?? 'unset (ELBSecurityPolicy-2016-08 allows TLS 1.0)'}`)];
    },
  },
  {
    id: 'TRADAI-ELB-005',
    mirrors: ['CKV2_AWS_20'],
    severity: 'medium',
    description: 'When a load balancer has an HTTPS listener, its HTTP listener redirects to HTTPS.',
    types: T.listener,
    check: (l, { graph }) => {
      if ((l.inputs['protocol'] ?? 'HTTP') !== 'HTTP') return [];
      const lb = graph.resolve(l.inputs['loadBalancerArn'], ...T.loadBalancer);
      if (!lb) return [];
      const hasHttps = listenersOf(lb, graph.ofType(...T.listener), (v, r) => graph.refersTo(v, r)).some((x) => x.inputs['protocol'] === 'HTTPS');
      if (!hasHttps) return [];
      const redirect = arr(l.inputs['defaultActions']).map(obj).find((a) => a['type'] === 'redirect');
      return redirect && obj(redirect['redirect'])['protocol'] === 'HTTPS' ? [] : [finding('defaultActions', `does not redirect to HTTPS although ${lb.name} has an HTTPS listener`)];
    },
  },
  {
    id: 'TRADAI-WAF-001',
    mirrors: ['CKV_AWS_192'],
    severity: 'high',
    description: 'Web ACLs include AWSManagedRulesKnownBadInputsRuleSet (Log4Shell and known bad inputs).',
    types: T.webAcl,
    check: (acl) => (valuesAt(acl.inputs, 'rules.statement.managedRuleGroupStatement.name').includes('AWSManagedRulesKnownBadInputsRuleSet') ? [] : [finding('rules', 'has no AWSManagedRulesKnownBadInputsRuleSet rule group')]),
  },
  {
    id: 'TRADAI-WAF-002',
    mirrors: ['CKV2_AWS_31'],
    severity: 'medium',
    description: 'Web ACLs have a logging configuration.',
    types: T.webAcl,
    check: (acl, { graph }) => (graph.referencing(acl, T.webAclLogging, 'resourceArn').length > 0 ? [] : [finding('WebAclLoggingConfiguration', 'has no logging configuration')]),
  },
  {
    id: 'TRADAI-WAF-003',
    mirrors: ['seed §7: WAF rate limiting', 'AWS WAF guidance: rate-based rules'],
    severity: 'medium',
    description: 'Web ACLs have a rate-based rule.',
    types: T.webAcl,
    check: (acl) => (valuesAt(acl.inputs, 'rules.statement.rateBasedStatement').length > 0 ? [] : [finding('rules', 'has no rateBasedStatement rule')]),
  },
  {
    id: 'TRADAI-ECS-001',
    mirrors: ['AwsSolutions-ECS4', 'CKV_AWS_65'],
    severity: 'low',
    description: 'ECS clusters have Container Insights enabled.',
    types: T.ecsCluster,
    check: (c) => {
      const setting = arr(c.inputs['settings']).map(obj).find((s) => s['name'] === 'containerInsights');
      return setting && (setting['value'] === 'enabled' || setting['value'] === 'enhanced') ? [] : [finding('settings.containerInsights', `is ${String(setting?.['value'] ?? 'unset')}`)];
    },
  },
  {
    id: 'TRADAI-ECS-002',
    mirrors: ['AwsSolutions-ECS7'],
    severity: 'medium',
    description: 'Every container of a task definition has a log configuration.',
    types: T.taskDefinition,
    check: (td) => containersOf(td).flatMap((c, i) => (str(obj(c['logConfiguration'])['logDriver']) ? [] : [finding(`containerDefinitions.${i}.logConfiguration`, `container ${String(c['name'] ?? i)} has no logDriver`)])),
  },
  {
    id: 'TRADAI-ECS-003',
    mirrors: ['Checkov ECS non-privileged container check', 'Docker CIS 5.4'],
    severity: 'high',
    description: 'No container runs privileged.',
    types: T.taskDefinition,
    check: (td) => containersOf(td).flatMap((c, i) => (isTrue(c['privileged']) ? [finding(`containerDefinitions.${i}.privileged`, `container ${String(c['name'] ?? i)} is privileged`)] : [])),
  },
  {
    id: 'TRADAI-ECS-004',
    mirrors: ['AwsSolutions-ECS2 (idea: secrets through `secrets`, not `environment`)'],
    severity: 'high',
    description: 'Secret-looking environment variables come from `secrets` (Secrets Manager/SSM), not plaintext `environment`.',
    types: T.taskDefinition,
    check: (td) =>
      containersOf(td).flatMap((c, i) =>
        arr(c['environment'])
          .map(obj)
          .filter((e) => typeof e['name'] === 'string' && SECRET_NAME.test(e['name']) && !SECRET_REFERENCE.test(e['name']))
          .map((e) => finding(`containerDefinitions.${i}.environment`, `container ${String(c['name'] ?? i)} sets ${String(e['name'])} in plaintext`)),
      ),
  },
  {
    id: 'TRADAI-ECS-005',
    mirrors: ['CKV_AWS_333'],
    severity: 'medium',
    description: 'ECS services do not assign public IPs to tasks.',
    types: T.ecsService,
    check: (s) => (isTrue(obj(s.inputs['networkConfiguration'])['assignPublicIp']) ? [finding('networkConfiguration.assignPublicIp', 'is true')] : []),
  },
  {
    id: 'TRADAI-ECS-006',
    mirrors: ['SERVICES.spot (live-trading never on Spot: an interruption drops open positions)'],
    severity: 'high',
    description: 'Services configured with spot: false never run on FARGATE_SPOT, directly or through the cluster default.',
    types: T.ecsService,
    check: (s, { graph }) => {
      const key = serviceKeyOf(s);
      if (!key || SERVICES[key].spot) return [];
      const strategies = arr(s.inputs['capacityProviderStrategies']).map(obj);
      const usesSpot = (list: Record<string, unknown>[]) => list.some((x) => x['capacityProvider'] === 'FARGATE_SPOT' && ((num(x['weight']) ?? 0) > 0 || (num(x['base']) ?? 0) > 0));
      const out: Finding[] = [];
      if (usesSpot(strategies)) out.push(finding('capacityProviderStrategies', `runs ${key} on FARGATE_SPOT`));
      if (strategies.length === 0 && !str(s.inputs['launchType'])) {
        const defaults = graph.ofType(CLUSTER_CAPACITY_PROVIDERS).flatMap((c) => arr(c.inputs['defaultCapacityProviderStrategies']).map(obj));
        if (usesSpot(defaults)) out.push(finding('capacityProviderStrategies', `is empty, so ${key} inherits the cluster default strategy that includes FARGATE_SPOT`));
      }
      return out;
    },
  },
  {
    id: 'TRADAI-KMS-001',
    mirrors: ['AwsSolutions-KMS5', 'CKV_AWS_7'],
    severity: 'medium',
    description: 'Symmetric customer KMS keys rotate automatically.',
    types: T.kmsKey,
    check: (k) => {
      const spec = String(k.inputs['customerMasterKeySpec'] ?? k.inputs['keySpec'] ?? 'SYMMETRIC_DEFAULT');
      if (spec !== 'SYMMETRIC_DEFAULT') return [];
      return isTrue(k.inputs['enableKeyRotation']) ? [] : [finding('enableKeyRotation', 'is not true')];
    },
  },
  {
    id: 'TRADAI-SM-001',
    mirrors: ['AwsSolutions-SMG4', 'CKV2_AWS_57'],
    severity: 'medium',
    description: 'Secrets Manager secrets have automatic rotation.',
    types: T.secret,
    check: (secret, { graph }) => (graph.referencing(secret, T.secretRotation, 'secretId').length > 0 ? [] : [finding('SecretRotation', 'is missing (no secretsmanager.SecretRotation for this secret)')]),
  },
  {
    id: 'TRADAI-COG-001',
    mirrors: ['AwsSolutions-COG1'],
    severity: 'high',
    description: `User pools require passwords of ${COGNITO_CONFIG.passwordPolicy.minimumLength}+ characters with lower, upper, number and symbol (COGNITO_CONFIG).`,
    types: T.userPool,
    check: (pool) => {
      const p = obj(pool.inputs['passwordPolicy']);
      const out: Finding[] = [];
      const min = COGNITO_CONFIG.passwordPolicy.minimumLength;
      if ((num(p['minimumLength']) ?? 8) < min) out.push(finding('passwordPolicy.minimumLength', `is ${num(p['minimumLength']) ?? '8 (default)'}; at least ${min}`));
      for (const k of ['requireLowercase', 'requireUppercase', 'requireNumbers', 'requireSymbols']) {
        if (p[k] === false) out.push(finding(`passwordPolicy.${k}`, 'is false'));
      }
      return out;
    },
  },
  {
    id: 'TRADAI-COG-002',
    mirrors: ['AwsSolutions-COG2'],
    severity: 'high',
    description: 'User pools require MFA.',
    types: T.userPool,
    check: (pool) => (pool.inputs['mfaConfiguration'] === 'ON' ? [] : [finding('mfaConfiguration', `is ${String(pool.inputs['mfaConfiguration'] ?? 'OFF (default)')}, not ON`)]),
  },
  {
    id: 'TRADAI-CT-001',
    mirrors: ['CKV_AWS_36'],
    severity: 'medium',
    description: 'CloudTrail trails validate log files (tamper evidence).',
    types: T.trail,
    check: (t) => (isTrue(t.inputs['enableLogFileValidation']) ? [] : [finding('enableLogFileValidation', 'is not true')]),
  },
  {
    id: 'TRADAI-CT-002',
    mirrors: ['CKV_AWS_67'],
    severity: 'medium',
    description: 'CloudTrail trails cover all regions (an attacker would use the unwatched ones).',
    types: T.trail,
    check: (t) => (isTrue(t.inputs['isMultiRegionTrail']) ? [] : [finding('isMultiRegionTrail', 'is not true')]),
  },
];
