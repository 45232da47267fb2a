/**
 * The policy rules at deploy time: every preview, up and deploy passes the CrossGuard policy pack
 * (libs/policy/src/pack, built by `nx run policy:policy-pack`) with --policy-pack, so a mandatory
 * violation stops the run before a change is made. The pack also reads the other layers' offline
 * plans (dist/synth/<env>) to relate resources across stacks, as the offline check does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LAYERS, type Environment } from '@tradai/infra-shared';
import { PreconditionError } from './checks.js';

/** The `policy:policy-pack` target's output folder (libs/policy/project.json). */
export const policyPackDir = (root: string) => join(root, 'dist', 'policy-pack');

export const POLICY_PACK_BUILD = 'npx nx run policy:policy-pack';

/** The Pulumi commands the rules guard. refresh only reads, destroy removes: neither is checked. */
export const POLICY_CHECKED = ['preview', 'up'] as const;

/**
 * The pack folder, ready for `--policy-pack`.
 * @throws PreconditionError naming what is missing (the pack, or a plan it reads) and the command that makes it
 */
export function requirePolicyPack(root: string, env: Environment): string {
  const dir = policyPackDir(root);
  const missing = ['PulumiPolicy.yaml', 'package.json', 'index.js'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new PreconditionError(`the policy pack ${dir} is incomplete (missing ${missing.join(', ')}): run \`${POLICY_PACK_BUILD}\` (the preview/up/deploy targets do it for you)`);
  }
  const plans = LAYERS.map((l) => join(root, 'dist', 'synth', env, `${l}.json`)).filter((f) => !existsSync(f));
  if (plans.length) {
    throw new PreconditionError(`the policy pack relates resources across stacks and reads the offline plans; missing ${plans.join(', ')}: run \`npx nx run-many -t synth -c ${env}\``);
  }
  return dir;
}

/**
 * The arguments of one Pulumi run. `up` keeps its preview (no --skip-preview): CrossGuard's stack
 * policies run at the end of that preview, so their violations stop the update before it starts.
 */
export function pulumiRunArgs(command: 'preview' | 'up' | 'refresh' | 'destroy', opts: { readonly yes: boolean; readonly policyPack?: string }): string[] {
  const checked = (POLICY_CHECKED as readonly string[]).includes(command);
  if (checked && !opts.policyPack) throw new Error(`pulumi ${command} runs with the policy pack: pass its folder`);
  return [command, ...(opts.yes && command !== 'preview' ? ['--yes'] : []), ...(checked ? ['--policy-pack', opts.policyPack!] : [])];
}
