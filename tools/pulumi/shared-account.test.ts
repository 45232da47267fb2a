import type { Environment, Layer } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { requireConsistentSharedAccount } from './shared-account.js';

const SHARED = '{"owner":"staging","environments":["dev","staging"]}';
const reader = (values: Partial<Record<`${Layer}/${Environment}`, string>>) => (layer: Layer, env: Environment): Record<string, string> | undefined => {
  if (!(`${layer}/${env}` in values)) return undefined;
  const v = values[`${layer}/${env}`];
  return v === undefined ? {} : { 'tradai:sharedAccount': v };
};
const everywhere = (envs: Environment[], v: string) =>
  Object.fromEntries(envs.flatMap((e) => (['persistent', 'foundation', 'compute', 'edge'] as const).map((l) => [`${l}/${e}`, v])));

describe('tradai:sharedAccount across stacks', () => {
  it('accepts the same value in every layer of every sharing environment, and no value anywhere', () => {
    expect(() => requireConsistentSharedAccount('dev', reader(everywhere(['dev', 'staging'], SHARED)))).not.toThrow();
    // Order of the environment list does not matter.
    expect(() => requireConsistentSharedAccount('dev', reader({ ...everywhere(['dev', 'staging'], SHARED), 'edge/staging': '{"owner":"staging","environments":["staging","dev"]}' }))).not.toThrow();
    expect(() => requireConsistentSharedAccount('prod', reader(everywhere(['prod'], undefined as never)))).not.toThrow();
    // A stack without a Pulumi.<env>.yaml is not compared.
    expect(() => requireConsistentSharedAccount('dev', reader({ 'persistent/dev': SHARED, 'compute/dev': SHARED }))).not.toThrow();
  });

  it('names each stack that disagrees: a layer that misses it, another environment that differs', () => {
    const values = { ...everywhere(['dev', 'staging'], SHARED), 'compute/dev': undefined, 'persistent/staging': '{"owner":"dev","environments":["dev","staging"]}' };
    const message = (() => {
      try {
        requireConsistentSharedAccount('dev', reader(values));
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    })();
    expect(message.split('\n')).toEqual([
      'tradai:sharedAccount differs between the stacks sharing the account:',
      '  - infra/compute/Pulumi.dev.yaml has tradai:sharedAccount unset, infra/persistent/Pulumi.dev.yaml has {"owner":"staging","environments":["dev","staging"]}',
      '  - infra/persistent/Pulumi.staging.yaml has tradai:sharedAccount {"owner":"dev","environments":["dev","staging"]}, infra/persistent/Pulumi.dev.yaml has {"owner":"staging","environments":["dev","staging"]}',
    ]);
  });
});
