import { ENV, LAMBDA_ACCESS, lambdaEnvNames, type LambdaName } from '@tradai/contracts';

/**
 * A complete environment for `name`: every variable `lambdaEnvNames(name)` lists, settings at
 * their contract defaults, everything else a recognisable dummy (`test-<VAR>`), then `overrides`.
 * Used by tests and by the init-time benchmark.
 */
export function dummyLambdaEnv(name: LambdaName, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const settings = LAMBDA_ACCESS[name].settings ?? {};
  const env: Record<string, string> = {};
  for (const v of lambdaEnvNames(name)) {
    if (v in settings) env[v] = settings[v]!;
    else if (v === ENV.environment) env[v] = 'dev';
    else if (v.endsWith('_ARN')) env[v] = `arn:aws:test:us-east-1:000000000000:${v.toLowerCase()}`;
    else if (v === ENV.mlflowTrackingUri) env[v] = 'http://127.0.0.1:5000';
    else env[v] = `test-${v.toLowerCase().replaceAll('_', '-')}`;
  }
  return { ...env, ...overrides };
}

/** Region and fake credentials so SDK clients built from the environment never look for a real account. */
export const LOCAL_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/**
 * Sets the environment of Lambda `name` on process.env (see {@link dummyLambdaEnv}) plus local AWS
 * settings; returns a function that restores the previous values. Call before importing a handler
 * module, which parses its env at module scope.
 */
export function setLambdaEnv(name: LambdaName, overrides: Readonly<Record<string, string>> = {}): () => void {
  const next = { ...LOCAL_AWS_ENV, ...dummyLambdaEnv(name, overrides) };
  const previous = new Map(Object.keys(next).map((k) => [k, process.env[k]]));
  Object.assign(process.env, next);
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
