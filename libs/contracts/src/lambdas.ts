/**
 * The 18 Lambda functions. Each is an Nx project `apps/lambdas/<name>`, an ECR repository
 * `tradai/<name>` and a function `tradai-<name>-<env>`. Shared by the compute stack and the
 * handlers, so this file may not import Pulumi or the AWS SDK.
 */
export const LAMBDA_NAMES = [
  'backtest-consumer',
  'validate-strategy',
  'consume-results',
  'update-status',
  'check-retraining-needed',
  'compare-models',
  'promote-model',
  'health-check',
  'heartbeat-monitor',
  'drift-monitor',
  'infra-drift-detector',
  'orphan-cleanup',
  'data-collection-trigger',
  'rollback',
  'shadow-test-evaluator',
  'notification-dispatcher',
  'strategy-registrar',
  'deployment-verifier',
] as const;

export type LambdaName = (typeof LAMBDA_NAMES)[number];

/** Status of a workflow record (workflow_state table); legal transitions live in libs/domain. */
export const WORKFLOW_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
