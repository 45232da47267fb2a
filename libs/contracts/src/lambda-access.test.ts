import { describe, expect, it } from 'vitest';
import { functionEnvName, LAMBDA_ACCESS, lambdaEnvNames } from './lambda-access.js';
import { LAMBDA_NAMES, type LambdaName } from './lambdas.js';

const names = Object.keys(LAMBDA_ACCESS) as LambdaName[];
const withAccess = (pick: (name: LambdaName) => unknown) => names.filter((n) => pick(n)).sort();

describe('LAMBDA_ACCESS', () => {
  it('covers every Lambda', () => {
    expect([...names].sort()).toEqual([...LAMBDA_NAMES].sort());
  });

  // The environment each function is deployed with and parses: every grant that reaches a table,
  // bucket, topic, workflow, cluster, service or function shows up as a variable here, so a grant
  // added or lost is a reviewed change to this list (the least-privilege review of DESIGN.md).
  it('gives each function exactly the environment its grants imply, in a stable order', () => {
    expect(Object.fromEntries(names.map((n) => [n, lambdaEnvNames(n)]))).toEqual({
      'backtest-consumer': ['TRADAI_ENVIRONMENT', 'IDEMPOTENCY_TABLE', 'WORKFLOW_STATE_TABLE', 'BACKTEST_WORKFLOW_ARN'],
      'validate-strategy': ['TRADAI_ENVIRONMENT', 'CONFIG_VERSIONS_TABLE', 'CONFIGS_BUCKET'],
      'consume-results': ['TRADAI_ENVIRONMENT', 'WORKFLOW_STATE_TABLE', 'RESULTS_BUCKET'],
      'update-status': ['TRADAI_ENVIRONMENT', 'WORKFLOW_STATE_TABLE', 'ALERTS_TOPIC_ARN'],
      'check-retraining-needed': ['TRADAI_ENVIRONMENT', 'DRIFT_STATE_TABLE', 'RETRAINING_STATE_TABLE', 'DRIFT_THRESHOLD', 'MAX_MODEL_AGE_DAYS'],
      'compare-models': ['TRADAI_ENVIRONMENT', 'RETRAINING_STATE_TABLE', 'MLFLOW_TRACKING_URI', 'MIN_IMPROVEMENT'],
      'promote-model': ['TRADAI_ENVIRONMENT', 'DEPLOYMENTS_TABLE', 'CONFIG_VERSIONS_TABLE', 'RETRAINING_STATE_TABLE', 'MLFLOW_TRACKING_URI'],
      'health-check': ['TRADAI_ENVIRONMENT', 'HEALTH_STATE_TABLE', 'ALERTS_TOPIC_ARN', 'SERVICE_DISCOVERY_NAMESPACE', 'HEALTH_TIMEOUT_MS'],
      'heartbeat-monitor': ['TRADAI_ENVIRONMENT', 'TRADING_STATE_TABLE', 'HEARTBEAT_STALE_SECONDS'],
      'drift-monitor': ['TRADAI_ENVIRONMENT', 'DRIFT_STATE_TABLE', 'DEPLOYMENTS_TABLE', 'RETRAINING_WORKFLOW_ARN', 'MLFLOW_TRACKING_URI', 'DRIFT_THRESHOLD'],
      'infra-drift-detector': ['TRADAI_ENVIRONMENT', 'INFRA_DRIFT_STATE_TABLE', 'DEPLOYMENTS_TABLE', 'CONFIG_VERSIONS_TABLE', 'ALERTS_TOPIC_ARN', 'ECS_CLUSTER_ARN'],
      'orphan-cleanup': ['TRADAI_ENVIRONMENT', 'WORKFLOW_STATE_TABLE', 'ECS_CLUSTER_ARN', 'WORKFLOW_TIMEOUT_MINUTES'],
      'data-collection-trigger': ['TRADAI_ENVIRONMENT', 'SERVICE_DISCOVERY_NAMESPACE', 'COGNITO_M2M_SECRET_ARN', 'SYMBOLS', 'TIMEFRAMES'],
      rollback: ['TRADAI_ENVIRONMENT', 'ROLLBACK_STATE_TABLE', 'DEPLOYMENTS_TABLE', 'CONFIG_VERSIONS_TABLE', 'ALERTS_TOPIC_ARN', 'MLFLOW_TRACKING_URI'],
      'shadow-test-evaluator': ['TRADAI_ENVIRONMENT', 'SHADOW_TEST_STATE_TABLE', 'TRADING_STATE_TABLE', 'ALERTS_TOPIC_ARN', 'MIN_SHADOW_HOURS', 'MIN_PNL_EDGE'],
      'notification-dispatcher': ['TRADAI_ENVIRONMENT', 'NOTIFICATIONS_TABLE', 'DEDUP_WINDOW_SECONDS'],
      'strategy-registrar': ['TRADAI_ENVIRONMENT', 'CONFIG_VERSIONS_TABLE', 'DEPLOYMENTS_TABLE'],
      'deployment-verifier': ['TRADAI_ENVIRONMENT', 'DEPLOYMENTS_TABLE', 'HEALTH_STATE_TABLE', 'ROLLBACK_STATE_TABLE', 'TRADING_STATE_TABLE', 'ALERTS_TOPIC_ARN', 'ROLLBACK_FUNCTION_NAME', 'VERIFY_WINDOW_MINUTES', 'MAX_DRAWDOWN_REGRESSION'],
    });
  });

  it('writes only the tables each function changes: the rest are read-only', () => {
    const reads = Object.fromEntries(names.map((n) => [n, Object.entries(LAMBDA_ACCESS[n].tables).filter(([, mode]) => mode === 'read').map(([t]) => t)]).filter(([, t]) => t.length));
    expect(reads).toEqual({
      'validate-strategy': ['config_versions'],
      'check-retraining-needed': ['drift_state'],
      'heartbeat-monitor': ['trading_state'],
      'drift-monitor': ['deployments'],
      'infra-drift-detector': ['deployments', 'config_versions'],
      'shadow-test-evaluator': ['trading_state'],
      'deployment-verifier': ['health_state', 'trading_state'],
    });
    expect(withAccess((n) => LAMBDA_ACCESS[n].buckets?.configs === 'read')).toEqual(['validate-strategy']);
    expect(withAccess((n) => LAMBDA_ACCESS[n].buckets?.results === 'read')).toEqual(['consume-results']);
    expect(withAccess((n) => Object.values(LAMBDA_ACCESS[n].buckets ?? {}).includes('write'))).toEqual([]);
  });

  // AWS APIs that carry no environment variable: granted to these functions only.
  it('grants ECR, Lambda, ECS and CloudWatch metric APIs only where the function calls them', () => {
    expect(withAccess((n) => LAMBDA_ACCESS[n].ecrRead)).toEqual(['infra-drift-detector', 'strategy-registrar', 'validate-strategy']);
    expect(withAccess((n) => LAMBDA_ACCESS[n].lambdaRead)).toEqual(['infra-drift-detector']);
    expect(withAccess((n) => LAMBDA_ACCESS[n].putsMetrics)).toEqual(['heartbeat-monitor']);
    expect(Object.fromEntries(names.filter((n) => LAMBDA_ACCESS[n].ecs).map((n) => [n, LAMBDA_ACCESS[n].ecs]))).toEqual({ 'infra-drift-detector': 'describe', 'orphan-cleanup': 'stop-tasks' });
    expect(withAccess((n) => LAMBDA_ACCESS[n].m2mScopes?.length)).toEqual(['data-collection-trigger']);
  });

  // The thresholds DESIGN.md documents. The stack sets them explicitly and each handler's parser
  // requires a value: an emptied default would fail the function at its first cold start.
  it('keeps the documented default of every setting', () => {
    const settings = Object.fromEntries(names.flatMap((n) => Object.entries(LAMBDA_ACCESS[n].settings ?? {}).map(([k, v]) => [`${n}.${k}`, v])));
    expect(settings).toEqual({
      'check-retraining-needed.DRIFT_THRESHOLD': '0.3',
      'check-retraining-needed.MAX_MODEL_AGE_DAYS': '30',
      'compare-models.MIN_IMPROVEMENT': '0.02',
      'health-check.HEALTH_TIMEOUT_MS': '3000',
      'heartbeat-monitor.HEARTBEAT_STALE_SECONDS': '180',
      'drift-monitor.DRIFT_THRESHOLD': '0.3',
      'orphan-cleanup.WORKFLOW_TIMEOUT_MINUTES': '180',
      'data-collection-trigger.SYMBOLS': 'BTC/USDT,ETH/USDT',
      'data-collection-trigger.TIMEFRAMES': '1h,4h,1d',
      'shadow-test-evaluator.MIN_SHADOW_HOURS': '24',
      'shadow-test-evaluator.MIN_PNL_EDGE': '0.0',
      'notification-dispatcher.DEDUP_WINDOW_SECONDS': '300',
      'deployment-verifier.VERIFY_WINDOW_MINUTES': '30',
      'deployment-verifier.MAX_DRAWDOWN_REGRESSION': '0.05',
    });
  });
});

describe('functionEnvName', () => {
  it('names the variable carrying an invoked function, upper snake case', () => {
    expect(functionEnvName('rollback')).toBe('ROLLBACK_FUNCTION_NAME');
    expect(functionEnvName('notification-dispatcher')).toBe('NOTIFICATION_DISPATCHER_FUNCTION_NAME');
  });
});
