/**
 * The real Lambda entry points the two workflows invoke (and rollback, which deployment-verifier
 * invokes), imported exactly as the bundles do
 * (`handler.ts`, which parses its env and builds its clients at module scope). Literal import
 * paths, so the project graph links this project to each function it runs.
 */
import type { LambdaName } from '@tradai/contracts';

export const WORKFLOW_HANDLERS = {
  'backtest-consumer': () => import('../../lambdas/backtest-consumer/src/handler.js'),
  'validate-strategy': () => import('../../lambdas/validate-strategy/src/handler.js'),
  'update-status': () => import('../../lambdas/update-status/src/handler.js'),
  'consume-results': () => import('../../lambdas/consume-results/src/handler.js'),
  'check-retraining-needed': () => import('../../lambdas/check-retraining-needed/src/handler.js'),
  'compare-models': () => import('../../lambdas/compare-models/src/handler.js'),
  'promote-model': () => import('../../lambdas/promote-model/src/handler.js'),
  'deployment-verifier': () => import('../../lambdas/deployment-verifier/src/handler.js'),
  rollback: () => import('../../lambdas/rollback/src/handler.js'),
} satisfies Partial<Record<LambdaName, () => Promise<{ handler: unknown }>>>;

export type WorkflowHandlerName = keyof typeof WORKFLOW_HANDLERS;
