/**
 * `npm run infra -- <bootstrap|down-soft|down-all|down-persistent> [--env=dev] [--confirm=...]`
 * Runs the steps in order and stops at the first failure.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parseEnvironment } from '@tradai/infra-shared';
import { INFRA_ACTIONS, infraCommands, type InfraAction } from './infra-plan.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { env: { type: 'string', default: 'dev' }, confirm: { type: 'string' } } });
const action = positionals[0] as InfraAction;
if (!INFRA_ACTIONS.includes(action)) {
  console.error(`usage: npm run infra -- <${INFRA_ACTIONS.join('|')}> [--env=dev|staging|prod]`);
  process.exit(2);
}
const env = parseEnvironment(values.env!);
const steps = infraCommands(action, env, values.confirm);
for (const [i, step] of steps.entries()) {
  console.log(`\n[${i + 1}/${steps.length}] ${step.join(' ')}`);
  const r = spawnSync(step[0]!, step.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`step ${i + 1} failed; later steps were not run`);
    process.exit(r.status ?? 1);
  }
}
