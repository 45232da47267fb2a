/**
 * Lints the GitHub Actions workflows: the schema check of `@action-validator/core` (SchemaStore's
 * workflow schema: keys, events, types; `needs` naming real jobs), then what it cannot know about
 * this repository: every `npm run <script>` exists in package.json (so each step can be run by
 * hand), actions are pinned to a version, and a job that assumes an AWS role through OIDC may
 * request the token.
 */
import { validateAction, validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

export interface WorkflowProblem {
  readonly file: string;
  /** Where in the document (job/step), or the schema path. */
  readonly where: string;
  readonly message: string;
}

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { steps?: Step[]; permissions?: string | Record<string, string>; uses?: string };
type Workflow = { permissions?: string | Record<string, string>; jobs?: Record<string, Job> };

/** `owner/action@ref` with a ref (a tag like v4 or a commit SHA); local `./` actions need none. */
const PINNED = /^[^@\s]+@[A-Za-z0-9._/-]+$/;
// `npm run [--silent ...] <script>`
const NPM_RUN = /\bnpm run(?:-script)?(?: +--?[a-z-]+)* +([A-Za-z0-9:_.-]+)/g;

type ValidationState = ReturnType<typeof validateWorkflow>;

const schemaProblems = (file: string, state: ValidationState): WorkflowProblem[] =>
  state.errors.map((e) => ({
    file,
    where: 'path' in e && e.path ? e.path : 'location' in e && e.location ? `line ${e.location.line}` : '(document)',
    message: [e.title, e.detail].filter(Boolean).join(': '),
  }));

/** Problems of steps any workflow job or composite action runs. */
function stepProblems(steps: readonly Step[], at: (where: string, message: string) => void, scripts: ReadonlySet<string>): void {
  steps.forEach((step, i) => {
    const where = `.steps[${i}]${step.name ? ` (${step.name})` : ''}`;
    if (step.uses && !step.uses.startsWith('./') && !step.uses.startsWith('docker://') && !PINNED.test(step.uses)) at(where, `${step.uses} is not pinned to a version or commit`);
    for (const m of (step.run ?? '').matchAll(NPM_RUN)) {
      if (!scripts.has(m[1]!)) at(where, `runs \`npm run ${m[1]}\`, which package.json does not define`);
    }
  });
}

/** Every problem in a composite action (`.github/actions/<name>/action.yml`). */
export function lintAction(file: string, source: string, scripts: ReadonlySet<string>): WorkflowProblem[] {
  const problems = schemaProblems(file, validateAction(source));
  let doc: { runs?: { steps?: Step[] } };
  try {
    doc = parse(source) as typeof doc;
  } catch {
    return problems;
  }
  stepProblems(doc?.runs?.steps ?? [], (where, message) => problems.push({ file, where: `runs${where}`, message }), scripts);
  return problems;
}

const canRequestIdToken = (p: Workflow['permissions']) => p === 'write-all' || (typeof p === 'object' && p['id-token'] === 'write');

/** Every problem in one workflow file; `scripts` are package.json's script names. */
export function lintWorkflow(file: string, source: string, scripts: ReadonlySet<string>): WorkflowProblem[] {
  const state = validateWorkflow(source);
  const problems = schemaProblems(file, state);
  // A document the schema rejects outright (not YAML, not a mapping) has nothing more to check.
  let doc: Workflow;
  try {
    doc = parse(source) as Workflow;
  } catch {
    return problems;
  }
  if (!doc || typeof doc !== 'object' || !doc.jobs || typeof doc.jobs !== 'object') return problems;
  for (const [id, job] of Object.entries(doc.jobs)) {
    const at = (where: string, message: string) => problems.push({ file, where: `jobs.${id}${where}`, message });
    if (job.uses && !PINNED.test(job.uses) && !job.uses.startsWith('./')) at('.uses', `reusable workflow ${job.uses} is not pinned to a ref`);
    const steps = job.steps ?? [];
    stepProblems(steps, at, scripts);
    steps.forEach((step, i) => {
      if (step.uses?.startsWith('aws-actions/configure-aws-credentials') && step.with?.['role-to-assume'] && !canRequestIdToken(job.permissions ?? doc.permissions)) {
        at(`.steps[${i}]`, 'assumes an AWS role through GitHub OIDC but the job may not request the token: set permissions id-token: write');
      }
    });
  }
  return problems;
}
