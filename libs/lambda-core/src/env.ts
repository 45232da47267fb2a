import { lambdaEnvNames, type LambdaName } from '@tradai/contracts';
import { parseEnv } from '@tradai/domain';

type Source = Readonly<Record<string, string | undefined>>;

/**
 * The environment of one Lambda: exactly the variables `lambdaEnvNames(name)` lists (the compute
 * stack sets those and no others), all required.
 */
export function lambdaEnv(name: LambdaName, source: Source = process.env): Record<string, string> {
  return parseEnv(lambdaEnvNames(name), source);
}
