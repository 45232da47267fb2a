import { ENVIRONMENTS, LAYERS, loadConfig, namespaceValues, type Environment, type Layer } from '@tradai/infra-shared';
import { PreconditionError } from './checks.js';

/** A stack's config, or undefined when that stack has no Pulumi.<env>.yaml (it is then not compared). */
type ReadStackConfig = (layer: Layer, env: Environment) => Record<string, string> | undefined;

/**
 * `tradai:sharedAccount` only works when every stack of every sharing environment says the same:
 * a compute stack that missed it would create a second GitHub OIDC provider, a persistent that
 * missed it a second set of repositories, and both fail on the names the owner already holds.
 * Compares the value of `env`'s four layers, and of the four layers of each environment it lists,
 * and throws one PreconditionError naming every file that differs.
 */
export function requireConsistentSharedAccount(env: Environment, read: ReadStackConfig): void {
  const value = (layer: Layer, e: Environment) => {
    const config = read(layer, e);
    if (config === undefined) return undefined;
    const shared = loadConfig(e, namespaceValues(config)).sharedAccount;
    return shared ? JSON.stringify({ owner: shared.owner, environments: [...shared.environments].sort() }) : 'unset';
  };
  const own = value('persistent', env) ?? 'unset';
  const listed: Environment[] = own === 'unset' ? [env] : (JSON.parse(own) as { environments: Environment[] }).environments;
  const problems: string[] = [];
  for (const e of ENVIRONMENTS.filter((x) => listed.includes(x))) {
    for (const layer of LAYERS) {
      const v = value(layer, e);
      if (v !== undefined && v !== own) problems.push(`infra/${layer}/Pulumi.${e}.yaml has tradai:sharedAccount ${v}, infra/persistent/Pulumi.${env}.yaml has ${own}`);
    }
  }
  if (problems.length) throw new PreconditionError(`tradai:sharedAccount differs between the stacks sharing the account:\n  - ${problems.join('\n  - ')}`);
}
