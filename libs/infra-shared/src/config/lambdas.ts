import { LAMBDA_NAMES, type LambdaName } from '@tradai/contracts';

export type LambdaTrigger = 'sqs' | 'workflow' | 'schedule' | 'invoke' | 'sns-alerts' | 'sns-registration';

export interface LambdaConfig {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly trigger: LambdaTrigger;
  /** Created after the state machines because it needs a workflow ARN in its environment. */
  readonly deferred: boolean;
}

const fn = (trigger: LambdaTrigger, timeoutSeconds = 30, memoryMb = 256, deferred = false): LambdaConfig => ({
  memoryMb,
  timeoutSeconds,
  trigger,
  deferred,
});

/** The 18 functions' runtime settings and triggers (DESIGN.md: Lambdas). */
export const LAMBDA_FUNCTIONS: Readonly<Record<LambdaName, LambdaConfig>> = {
  'backtest-consumer': fn('sqs', 60, 256, true),
  'validate-strategy': fn('workflow'),
  'consume-results': fn('workflow', 120, 512),
  'update-status': fn('workflow'),
  'check-retraining-needed': fn('workflow'),
  'compare-models': fn('workflow', 60),
  'promote-model': fn('workflow', 60),
  'health-check': fn('schedule', 60),
  'heartbeat-monitor': fn('schedule'),
  'drift-monitor': fn('schedule', 300, 512, true),
  'infra-drift-detector': fn('schedule', 300),
  'orphan-cleanup': fn('schedule', 120),
  'data-collection-trigger': fn('schedule', 60),
  rollback: fn('invoke', 120),
  'shadow-test-evaluator': fn('invoke', 120),
  'notification-dispatcher': fn('sns-alerts'),
  'strategy-registrar': fn('sns-registration', 60),
  'deployment-verifier': fn('workflow', 300),
};

export { LAMBDA_NAMES };

/** SQS visibility timeout must be at least 6x the consumer's timeout (AWS guidance for event source mappings). */
export const SQS_VISIBILITY_TIMEOUT_FACTOR = 6;

export const SCHEDULED_LAMBDAS = [
  'health-check',
  'heartbeat-monitor',
  'drift-monitor',
  'infra-drift-detector',
  'orphan-cleanup',
  'data-collection-trigger',
] as const satisfies readonly LambdaName[];
export type ScheduledLambda = (typeof SCHEDULED_LAMBDAS)[number];

/** LAMBDA_SCHEDULES: defaults; Pulumi config `tradai:lambdaSchedules` overrides any of them. */
export const LAMBDA_SCHEDULES: Readonly<Record<ScheduledLambda, string>> = {
  'health-check': 'rate(5 minutes)',
  'heartbeat-monitor': 'rate(1 minute)',
  'drift-monitor': 'cron(0 */6 * * ? *)',
  'infra-drift-detector': 'cron(0 6 * * ? *)',
  'orphan-cleanup': 'rate(15 minutes)',
  'data-collection-trigger': 'rate(1 hour)',
};

const RATE = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const CRON_FIELD = /^[\d*?,\-/LW#A-Z]+$/;

/** EventBridge schedule expression check: `rate(N unit)` or a six-field `cron(...)`. */
export function isScheduleExpression(expr: string): boolean {
  if (RATE.test(expr)) return true;
  const m = /^cron\((.+)\)$/.exec(expr);
  if (!m) return false;
  const fields = m[1]!.trim().split(/\s+/);
  // EventBridge requires `?` in exactly one of day-of-month / day-of-week.
  return fields.length === 6 && fields.every((f) => CRON_FIELD.test(f)) && (fields[2] === '?') !== (fields[4] === '?');
}
