import type { TableKey } from './tables.js';

/**
 * Names of the environment variables the compute stack sets on Lambdas and tasks and the
 * handlers read. Both sides import this module, so a rename is one edit and a type error.
 */
export const ENV = {
  environment: 'TRADAI_ENVIRONMENT',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  configsBucket: 'CONFIGS_BUCKET',
  resultsBucket: 'RESULTS_BUCKET',
  alertsTopicArn: 'ALERTS_TOPIC_ARN',
  backtestWorkflowArn: 'BACKTEST_WORKFLOW_ARN',
  retrainingWorkflowArn: 'RETRAINING_WORKFLOW_ARN',
  ecsClusterArn: 'ECS_CLUSTER_ARN',
  serviceDiscoveryNamespace: 'SERVICE_DISCOVERY_NAMESPACE',
  mlflowTrackingUri: 'MLFLOW_TRACKING_URI',
  backtestQueueUrl: 'BACKTEST_QUEUE_URL',
  /** Services that check tokens: the persistent stack's `cognito_user_pool_id`. */
  cognitoUserPoolId: 'COGNITO_USER_POOL_ID',
  /** Comma-separated app client ids whose access tokens are accepted (`cognito_user_pool_client_id,cognito_m2m_client_id`). */
  cognitoClientIds: 'COGNITO_CLIENT_IDS',
  /** Lambdas that call services as the Cognito M2M client: the persistent stack's `cognito_m2m_secret_arn`. */
  m2mSecretArn: 'COGNITO_M2M_SECRET_ARN',
  /** live-trading: the Secrets Manager secret (name or ARN) holding the exchange API key and secret. */
  exchangeSecretId: 'EXCHANGE_SECRET_ID',
} as const;

/** `workflow_state` -> `WORKFLOW_STATE_TABLE`: the variable holding that table's name. */
export function tableEnvName(table: TableKey): string {
  return `${table.toUpperCase()}_TABLE`;
}
