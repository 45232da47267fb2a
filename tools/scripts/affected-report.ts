/**
 * Affected-deploy report: for a sample change of each kind, which projects are affected, which
 * deploy tasks do work and which only confirm nothing changed. `npm run report:affected`
 */
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { affectedDeploy } from './affected.js';

const root = findWorkspaceRoot();
const samples: Record<string, string[]> = {
  'one Lambda': ['apps/lambdas/rollback/src/handler.ts'],
  'one service image': ['apps/services/backend/src/main.ts'],
  'shared infra config': ['libs/infra-shared/src/config/services.ts'],
  'edge module': ['infra/edge/index.ts'],
};
for (const [label, files] of Object.entries(samples)) {
  const r = affectedDeploy(root, files);
  console.log(`\n${label} (${files.join(', ')})`);
  console.log(`  affected projects (${r.affected.length}): ${r.affected.join(', ')}`);
  console.log(`  deploy tasks doing work (${r.work.length}): ${r.work.join(', ')}`);
  console.log(`  upstream deploy tasks that skip when unchanged: ${r.checks.length}`);
}
