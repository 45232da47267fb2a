import { getResourceName } from '@tradai/contracts';
import { APPLICATION, getEnvShort, type Environment } from './environment.js';

// The naming rule lives in contracts: runtime tools address resources by the same names.
export { getResourceName };

/** Partition, region and account of a stack, with its environment: what an ARN is built from. */
export interface ArnContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly env: Environment;
}

/** ARN of a deployed function, `name` being the Lambda key (`backtest-consumer`). */
export function lambdaArn(ctx: ArnContext, name: string): string {
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:function:${getResourceName(name, ctx.env)}`;
}

/** Standard tags on every taggable resource. */
export function getTags(env: Environment, service?: string): Record<string, string> {
  return {
    Application: APPLICATION,
    Environment: env,
    EnvShort: getEnvShort(env),
    ManagedBy: 'pulumi',
    ...(service ? { Service: service } : {}),
  };
}

/** Cloud Map private DNS namespace the services register in. */
export function getSdNamespace(env: Environment): string {
  return `${APPLICATION}-${env}.local`;
}

/** MLflow tracking URI through Service Discovery. */
export function getMlflowTrackingUri(env: Environment): string {
  return `http://mlflow.${getSdNamespace(env)}:5000/mlflow`;
}

/** `<org>/tradai-<layer>/<env>`: the name a StackReference reads. */
export function getStackReferenceName(org: string, layer: string, env: Environment): string {
  return `${org}/${APPLICATION}-${layer}/${env}`;
}
