import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintAction, lintWorkflow } from './workflows.js';

const root = resolve(__dirname, '../..');
const github = join(root, '.github');
const scripts = new Set(Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts));
const workflowFiles = readdirSync(join(github, 'workflows')).filter((f) => f.endsWith('.yml'));
const read = (f: string) => readFileSync(join(github, 'workflows', f), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const doc = (f: string) => parse(read(f)) as any;
const runs = (f: string): string[] => Object.values(doc(f).jobs as Record<string, { steps: { run?: string }[] }>).flatMap((j) => j.steps.map((s) => s.run ?? ''));
const uses = (f: string): string[] => Object.values(doc(f).jobs as Record<string, { steps: { uses?: string }[] }>).flatMap((j) => j.steps.map((s) => s.uses ?? ''));

const GOOD = `
name: ok
on: { push: { branches: [main] } }
permissions: { contents: read }
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm run lint
`;

describe('the workflow files', () => {
  it.each(workflowFiles)('%s passes action-validator and the repository checks', (f) => {
    expect(lintWorkflow(f, read(f), scripts)).toEqual([]);
  });

  it('the composite set-up action passes too', () => {
    expect(lintAction('setup', readFileSync(join(github, 'actions', 'setup', 'action.yml'), 'utf8'), scripts)).toEqual([]);
    const setup = parse(readFileSync(join(github, 'actions', 'setup', 'action.yml'), 'utf8'));
    expect(setup.runs.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/cache@')).with.path).toBe('.nx/cache');
  });

  it('pull request: affected checks with nx-set-shas, then policy/cost for three environments and the diff comment', () => {
    const f = 'pull-request.yml';
    expect(Object.keys(doc(f).on)).toEqual(['pull_request']);
    expect(uses(f)).toEqual(expect.arrayContaining(['nrwl/nx-set-shas@v4', './.github/actions/setup']));
    const text = runs(f).join('\n');
    expect(text).toContain('npm run affected -- -t lint typecheck test build');
    expect(text).toContain('for env in dev staging prod');
    expect(text).toContain('npm run plans -- -c "$env"');
    expect(text).toContain('npm run diff -- --env=dev,staging,prod --base="$NX_BASE"');
    expect(text).toContain('gh pr comment');
    expect(text).toContain('npm run lint:workflows');
  });

  it('merge to main: affected deploy to dev through OIDC, then records the commit dev runs', () => {
    const f = 'deploy-dev.yml';
    expect(doc(f).on.push.branches).toEqual(['main']);
    expect(doc(f).permissions['id-token']).toBe('write');
    expect(doc(f).concurrency['cancel-in-progress']).toBe(false);
    const text = runs(f).join('\n');
    expect(text).toContain('npm run deploy:affected -- -c dev');
    expect(text).toContain('npm run deployed -- mark dev');
    expect(uses(f)).toEqual(expect.arrayContaining(['aws-actions/configure-aws-credentials@v4', 'nrwl/nx-set-shas@v4', 'pulumi/actions@v6']));
  });

  it('promotion: manual, behind the GitHub environment, deploying the commit dev runs', () => {
    const f = 'promote.yml';
    const d = doc(f);
    expect(d.on.workflow_dispatch.inputs.environment.options).toEqual(['staging', 'prod']);
    expect(d.jobs.deploy.environment).toBe('${{ inputs.environment }}');
    expect(d.jobs.deploy.needs).toBe('resolve');
    expect(d.jobs.deploy.steps[0].with.ref).toBe('${{ needs.resolve.outputs.commit }}');
    expect(runs(f).join('\n')).toContain('npm run --silent deployed -- show dev');
  });
});

describe('lintWorkflow flags a broken workflow', () => {
  it('accepts the minimal good workflow', () => {
    expect(lintWorkflow('good.yml', GOOD, scripts)).toEqual([]);
  });

  it('schema errors from action-validator: an unknown event, a job without runs-on', () => {
    const problems = lintWorkflow('bad.yml', GOOD.replace('push:', 'pushh:').replace('    runs-on: ubuntu-latest\n', ''), scripts);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.file === 'bad.yml')).toBe(true);
    expect(problems.map((p) => p.where).join(' ')).toMatch(/\/on|\/jobs/);
  });

  it('YAML that does not parse', () => {
    expect(lintWorkflow('bad.yml', 'jobs: [a\n  b: c', scripts).length).toBeGreaterThan(0);
  });

  it('a need on a job that does not exist, an npm script that does not exist, an unpinned action', () => {
    const bad = GOOD.replace('    runs-on: ubuntu-latest', '    needs: build\n    runs-on: ubuntu-latest').replace('npm run lint', 'npm run lintt').replace('actions/checkout@v4', 'actions/checkout');
    expect(lintWorkflow('bad.yml', bad, scripts).map((p) => p.message)).toEqual([
      'Unresolved job: unresolved job build',
      'actions/checkout is not pinned to a version or commit',
      'runs `npm run lintt`, which package.json does not define',
    ]);
  });

  it('an OIDC role assumption without id-token: write', () => {
    const bad = GOOD.replace('      - run: npm run lint', '      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: arn:aws:iam::123456789012:role/x, aws-region: eu-central-1 }');
    expect(lintWorkflow('bad.yml', bad, scripts).map((p) => p.message)).toEqual([expect.stringContaining('set permissions id-token: write')]);
    expect(lintWorkflow('ok.yml', bad.replace('permissions: { contents: read }', "permissions: { contents: read, id-token: write }"), scripts)).toEqual([]);
  });

  it('a composite action whose run step has no shell', () => {
    const ok = 'name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: npm run lint\n      shell: bash\n';
    expect(lintAction('action.yml', ok, scripts)).toEqual([]);
    expect(lintAction('action.yml', ok.replace('      shell: bash\n', ''), scripts).length).toBeGreaterThan(0);
  });
});
