/**
 * Monthly cost estimate of the offline plans: `tsx tools/reports/cost.ts --env=dev`, or the
 * difference between two environments: `tsx tools/reports/cost.ts --compare=dev,prod`.
 * Nx: `npx nx run plan-reports:cost -c <env>`, `npx nx run plan-reports:cost-compare`.
 */
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { runCost, runCostCompare } from './reports.js';

const { values } = parseArgs({ options: { env: { type: 'string', default: 'dev' }, compare: { type: 'string' }, root: { type: 'string' } } });
const root = values.root ?? findWorkspaceRoot();
let result;
if (values.compare) {
  const [from, to] = values.compare.split(',');
  if (!from || !to) {
    console.error(`cost: --compare takes two environments, e.g. --compare=dev,prod (got ${values.compare})`);
    process.exit(2);
  }
  result = runCostCompare(root, from, to);
} else {
  result = runCost(root, values.env!);
}
if (result.stdout) console.log(result.stdout);
if (result.stderr) console.error(result.stderr);
process.exit(result.exitCode);
