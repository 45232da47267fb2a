import { API_ROUTES, ENVIRONMENT_SETTINGS, routeKey } from '@tradai/infra-shared';
import { physicalName } from '@tradai/infra-shared/testing';
import { parseJsonInput } from '../plan/graph.js';
import type { LocatedResource } from '../plan/model.js';
import { T } from '../plan/tokens.js';
import { finding, type Finding, type Rule } from './types.js';
import { isFalse, num, obj, str } from './util.js';

/** Route keys that may be called without a token: the API_ROUTES entries with auth off (GET /health). */
const PUBLIC_ROUTE_KEYS = new Set(API_ROUTES.filter((r) => !r.auth).map(routeKey));

/** Task states without TimeoutSeconds, by path (`RunBacktest`, `Branch[0].Inner`). */
export function tasksWithoutTimeout(definition: unknown): string[] {
  const missing: string[] = [];
  const walk = (states: unknown, prefix: string) => {
    for (const [name, raw] of Object.entries(obj(states))) {
      const state = obj(raw);
      const path = `${prefix}${name}`;
      if (state['Type'] === 'Task' && state['TimeoutSeconds'] === undefined && state['TimeoutSecondsPath'] === undefined) missing.push(path);
      if (state['Type'] === 'Parallel' && Array.isArray(state['Branches'])) state['Branches'].forEach((b, i) => walk(obj(b)['States'], `${path}.Branches[${i}].`));
      if (state['Type'] === 'Map') walk(obj(state['ItemProcessor'] ?? state['Iterator'])['States'], `${path}.`);
    }
  };
  walk(obj(definition)['States'], '');
  return missing;
}

/** Alarm names a composite alarm rule reads: `ALARM("name")`, `OK(name)`, `ALARM(arn:...:alarm:name)`. */
export function alarmsInRule(rule: unknown): string[] {
  if (typeof rule !== 'string') return [];
  return [...rule.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)/g)].map((m) => m[1]!.replace(/^arn:.*:alarm:/, ''));
}

const alarmName = (a: LocatedResource) => str(a.inputs['alarmName']) ?? str(a.inputs['name']) ?? a.name;

export const SERVERLESS_RULES: readonly Rule[] = [
  {
    id: 'TRADAI-LMB-001',
    mirrors: ['DESIGN.md: images resolved to digests', 'Lambda best practice: immutable image references'],
    severity: 'high',
    description: 'Image-based Lambda functions reference their image by digest (@sha256:), never by a mutable tag.',
    types: T.lambdaFunction,
    check: (fn) => {
      const uri = str(fn.inputs['imageUri']);
      if (fn.inputs['packageType'] !== 'Image' && !uri) return [];
      return uri && /@sha256:[0-9a-f]{64}$/.test(uri) ? [] : [finding('imageUri', `is ${uri ?? 'unset'}, not pinned by digest (@sha256:...)`)];
    },
  },
  {
    id: 'TRADAI-LMB-002',
    mirrors: ['Serverless-LambdaTracing', 'CKV_AWS_50'],
    severity: 'medium',
    description: 'Lambda functions have active X-Ray tracing.',
    types: T.lambdaFunction,
    check: (fn) => (obj(fn.inputs['tracingConfig'])['mode'] === 'Active' ? [] : [finding('tracingConfig.mode', `is ${String(obj(fn.inputs['tracingConfig'])['mode'] ?? 'unset')}, not Active`)]),
  },
  {
    id: 'TRADAI-LMB-003',
    mirrors: ['Serverless-LambdaDefaultTimeout', 'Serverless-LambdaDefaultMemorySize'],
    severity: 'medium',
    description: 'Lambda functions set timeout and memorySize explicitly (the defaults, 3 s and 128 MB, are never what was meant).',
    types: T.lambdaFunction,
    check: (fn) => {
      const out: Finding[] = [];
      if (num(fn.inputs['timeout']) === undefined) out.push(finding('timeout', 'is not set (default 3 s)'));
      if (num(fn.inputs['memorySize']) === undefined) out.push(finding('memorySize', 'is not set (default 128 MB)'));
      return out;
    },
  },
  {
    id: 'TRADAI-LMB-004',
    mirrors: ['Serverless-CloudWatchLogGroupRetentionPeriod (on the function\'s log group)'],
    severity: 'medium',
    description: 'Each Lambda function logs to a log group the stack manages, with a retention period.',
    types: T.lambdaFunction,
    check: (fn, { graph }) => {
      // The group is either the one named in loggingConfig.logGroup or the implicit /aws/lambda/<function name>.
      const configured = str(obj(fn.inputs['loggingConfig'])['logGroup']);
      const implicit = `/aws/lambda/${physicalName(fn.name, fn.inputs)}`;
      const group = (configured && graph.resolve(configured, ...T.logGroup)) || graph.resolve(implicit, ...T.logGroup);
      if (!group) return [finding('loggingConfig.logGroup', `has no managed log group (${configured ?? implicit} would be created with no retention)`)];
      return num(group.inputs['retentionInDays']) ? [] : [finding('loggingConfig.logGroup', `log group ${group.name} has no retentionInDays`)];
    },
  },
  {
    id: 'TRADAI-SFN-001',
    mirrors: ['AwsSolutions-SF1', 'Serverless-StepFunctionStateMachineAllLogsToCloudWatch', 'CKV_AWS_285'],
    severity: 'medium',
    description: 'State machines log ALL events to a CloudWatch log group.',
    types: T.stateMachine,
    check: (sm) => {
      const logging = obj(sm.inputs['loggingConfiguration']);
      const out: Finding[] = [];
      if (logging['level'] !== 'ALL') out.push(finding('loggingConfiguration.level', `is ${String(logging['level'] ?? 'unset')}, not ALL`));
      if (!str(logging['logDestination'])) out.push(finding('loggingConfiguration.logDestination', 'is not set'));
      return out;
    },
  },
  {
    id: 'TRADAI-SFN-002',
    mirrors: ['AwsSolutions-SF2', 'Serverless-StepFunctionStateMachineXray', 'CKV_AWS_284'],
    severity: 'medium',
    description: 'State machines have X-Ray tracing enabled.',
    types: T.stateMachine,
    check: (sm) => (obj(sm.inputs['tracingConfiguration'])['enabled'] === true ? [] : [finding('tracingConfiguration.enabled', 'is not true')]),
  },
  {
    id: 'TRADAI-SFN-003',
    mirrors: ['AWS Step Functions best practice: use timeouts to avoid stuck executions'],
    severity: 'high',
    description: 'Every Task state has TimeoutSeconds (the default is none: a lost task hangs the execution for a year).',
    types: T.stateMachine,
    check: (sm) => {
      const definition = parseJsonInput(sm.inputs['definition']);
      if (!definition) return [finding('definition', 'is not valid JSON')];
      return tasksWithoutTimeout(definition).map((path) => finding('definition', `Task state ${path} has no TimeoutSeconds`));
    },
  },
  {
    id: 'TRADAI-APIGW-001',
    mirrors: ['AwsSolutions-APIG4', 'CKV_AWS_309'],
    severity: 'high',
    description: `API routes require authorization, except ${[...PUBLIC_ROUTE_KEYS].join(', ')} (API_ROUTES auth: false).`,
    types: T.apiRoute,
    check: (route) => {
      const key = String(route.inputs['routeKey'] ?? '');
      const type = String(route.inputs['authorizationType'] ?? 'NONE');
      if (type !== 'NONE') return [];
      return PUBLIC_ROUTE_KEYS.has(key) ? [] : [finding('authorizationType', `is NONE on route "${key}"`)];
    },
  },
  {
    id: 'TRADAI-APIGW-002',
    mirrors: ['AwsSolutions-APIG1', 'CKV_AWS_95'],
    severity: 'medium',
    description: 'API stages write access logs.',
    types: T.apiStage,
    check: (stage) => {
      const logs = obj(stage.inputs['accessLogSettings']);
      return str(logs['destinationArn']) && str(logs['format']) ? [] : [finding('accessLogSettings', 'has no destinationArn and format')];
    },
  },
  {
    id: 'TRADAI-APIGW-003',
    mirrors: ['Serverless-APIGWDefaultThrottling'],
    severity: 'medium',
    description: 'API stages set default throttling (rate and burst).',
    types: T.apiStage,
    check: (stage) => {
      const s = obj(stage.inputs['defaultRouteSettings']);
      const out: Finding[] = [];
      if (!num(s['throttlingRateLimit'])) out.push(finding('defaultRouteSettings.throttlingRateLimit', 'is not set'));
      if (!num(s['throttlingBurstLimit'])) out.push(finding('defaultRouteSettings.throttlingBurstLimit', 'is not set'));
      return out;
    },
  },
  {
    id: 'TRADAI-LOG-001',
    mirrors: ['Serverless-CloudWatchLogGroupRetentionPeriod', 'CKV_AWS_66'],
    severity: 'medium',
    description: 'Log groups have a retention period (the default keeps logs, and bills them, forever).',
    types: T.logGroup,
    check: (g) => (num(g.inputs['retentionInDays']) ? [] : [finding('retentionInDays', 'is not set (never expire)')]),
  },
  {
    id: 'TRADAI-LOG-002',
    mirrors: ['seed §3: log retention 30 days (dev/staging), 90 days (prod)'],
    severity: 'low',
    description: 'Log group retention is at least the environment table\'s log retention.',
    types: T.logGroup,
    check: (g, { env }) => {
      const days = num(g.inputs['retentionInDays']);
      const needed = ENVIRONMENT_SETTINGS[env].logRetentionDays;
      return days === undefined || days >= needed ? [] : [finding('retentionInDays', `is ${days}; ${env} keeps logs ${needed} days`)];
    },
  },
  {
    id: 'TRADAI-CW-001',
    mirrors: ['CKV_AWS_319', 'cdk-nag CloudWatchAlarmAction'],
    severity: 'medium',
    description: 'Alarms have actions enabled and notify someone, directly or through a composite alarm that does.',
    types: [...T.metricAlarm, ...T.compositeAlarm],
    check: (alarm, { graph }) => {
      if (isFalse(alarm.inputs['actionsEnabled'])) return [finding('actionsEnabled', 'is false')];
      const actions = ['alarmActions', 'okActions', 'insufficientDataActions'].some((k) => Array.isArray(alarm.inputs[k]) && (alarm.inputs[k] as unknown[]).length > 0);
      if (actions) return [];
      const name = alarmName(alarm);
      const parents = graph.ofType(...T.compositeAlarm).filter((c) => c !== alarm && alarmsInRule(c.inputs['alarmRule']).includes(name));
      const notifying = parents.some((c) => Array.isArray(c.inputs['alarmActions']) && (c.inputs['alarmActions'] as unknown[]).length > 0);
      return notifying ? [] : [finding('alarmActions', 'is empty and no composite alarm with actions reads this alarm')];
    },
  },
];
