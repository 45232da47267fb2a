/** `npm run lint:workflows`: lints every workflow and composite action under .github; exits 1 listing each problem. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { lintAction, lintWorkflow } from './workflows.js';

const root = findWorkspaceRoot();
const github = join(root, '.github');
const scripts = new Set(Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts));
const workflows = readdirSync(join(github, 'workflows')).filter((f) => /\.ya?ml$/.test(f)).sort();
if (workflows.length === 0) {
  console.error(`no workflow files in ${join(github, 'workflows')}`);
  process.exit(1);
}
const actionsDir = join(github, 'actions');
const actions = existsSync(actionsDir)
  ? readdirSync(actionsDir)
      .map((d) => ['action.yml', 'action.yaml'].map((f) => `actions/${d}/${f}`).find((f) => existsSync(join(github, f))))
      .filter((f): f is string => Boolean(f))
  : [];
const read = (f: string) => readFileSync(join(github, f), 'utf8');
const problems = [
  ...workflows.flatMap((f) => lintWorkflow(`.github/workflows/${f}`, read(`workflows/${f}`), scripts)),
  ...actions.flatMap((f) => lintAction(`.github/${f}`, read(f), scripts)),
];
for (const p of problems) console.error(`${p.file}: ${p.where}: ${p.message}`);
console.log(`${workflows.length} workflows, ${actions.length} composite actions: ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
