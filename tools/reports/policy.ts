/**
 * Policy check on the offline plans: `tsx tools/reports/policy.ts --env=dev`.
 * Nx: `npx nx run plan-reports:policy -c <env>` (synthesizes the plans first).
 * Exit 0: no violation; 1: violations; 2: a plan is missing or the environment is unknown.
 */
import { parseArgs } from 'node:util';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { runPolicy } from './reports.js';

const { values } = parseArgs({ options: { env: { type: 'string', default: 'dev' }, root: { type: 'string' } } });
const result = runPolicy(values.root ?? findWorkspaceRoot(), values.env!);
if (result.stdout) console.log(result.stdout);
if (result.stderr) console.error(result.stderr);
process.exit(result.exitCode);
