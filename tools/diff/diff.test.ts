import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPlans, diffValues, formatComment, formatDiff, isProtected, type DiffPlan, type DiffResource } from './diff.js';
import { resolveCommit, withWorktree } from './worktree.js';

const r = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<DiffResource> = {}): DiffResource => ({ type, name, inputs, parent: null, ...extra });
const plan = (resources: DiffResource[], outputs: Record<string, unknown> = {}): DiffPlan => ({ stack: 'tradai-persistent', environment: 'dev', resources, outputs });

const TABLE = 'aws:dynamodb/table:Table';
const table = (inputs: Record<string, unknown> = {}, name = 'dynamodb-trading_state') =>
  r(TABLE, name, { name: 'tradai-trading-state-dev', hashKey: 'pk', billingMode: 'PAY_PER_REQUEST', pointInTimeRecovery: { enabled: true }, ...inputs }, { parent: 'tradai:persistent:DynamoDB::dynamodb' });
const fn = (inputs: Record<string, unknown> = {}) => r('aws:lambda/function:Function', 'health-check', { name: 'tradai-health-check-dev', memorySize: 256, timeout: 30, ...inputs });

describe('diffPlans', () => {
  it('lists resources added and removed', () => {
    const d = diffPlans(plan([fn()]), plan([fn(), r('aws:sqs/queue:Queue', 'backtest', { name: 'tradai-backtest-dev' })]));
    expect(d.added).toEqual([{ type: 'aws:sqs/queue:Queue', name: 'backtest', stateful: false, protected: false }]);
    expect(diffPlans(plan([fn()]), plan([])).removed.map((x) => x.name)).toEqual(['health-check']);
    expect(d.warnings).toEqual([]);
  });

  it('shows each changed input old -> new and updates in place when no replace-on-change input moved', () => {
    const d = diffPlans(plan([fn()]), plan([fn({ memorySize: 512, environment: { variables: { LOG_LEVEL: 'INFO' } } })]));
    expect(d.changed).toEqual([
      {
        type: 'aws:lambda/function:Function',
        name: 'health-check',
        stateful: false,
        protected: false,
        kind: 'update',
        replaceBecause: [],
        changes: [
          { path: 'environment', new: { variables: { LOG_LEVEL: 'INFO' } } },
          { path: 'memorySize', old: 256, new: 512 },
        ],
      },
    ]);
  });

  it('replaces a resource whose replace-on-change input changed, without a warning when it holds no data', () => {
    const d = diffPlans(plan([fn()]), plan([fn({ name: 'tradai-health-dev' })]));
    expect(d.changed[0]).toMatchObject({ kind: 'replace', replaceBecause: ['name'] });
    expect(d.warnings).toEqual([]);
  });

  it('warns loudly when a persistent table is renamed (its name forces a replace: a new empty table)', () => {
    const d = diffPlans(plan([table()]), plan([table({ name: 'tradai-trading-state-v2-dev' })]));
    expect(d.changed[0]).toMatchObject({ kind: 'replace', stateful: true, replaceBecause: ['name'], changes: [{ path: 'name', old: 'tradai-trading-state-dev', new: 'tradai-trading-state-v2-dev' }] });
    expect(d.warnings).toEqual([
      `REPLACE of stateful ${TABLE} dynamodb-trading_state (name changed): a new empty resource is created and the old one deleted`,
    ]);
    const text = formatDiff(d);
    expect(text).toContain('DATA AT RISK');
    expect(text).toContain('+- aws:dynamodb/table:Table dynamodb-trading_state (replace: name)');
    expect(text).toContain('name: "tradai-trading-state-dev" -> "tradai-trading-state-v2-dev"');
  });

  it('warns when a table key schema changes, but not when only its billing does', () => {
    expect(diffPlans(plan([table()]), plan([table({ hashKey: 'id' })])).warnings).toHaveLength(1);
    const billing = diffPlans(plan([table()]), plan([table({ billingMode: 'PROVISIONED' })]));
    expect(billing.changed[0]!.kind).toBe('update');
    expect(billing.warnings).toEqual([]);
  });

  it('warns when a stateful resource is deleted, including a rename of its logical name (delete + create)', () => {
    const d = diffPlans(plan([table()]), plan([table({}, 'dynamodb-trading-state')]));
    expect(d.added.map((x) => x.name)).toEqual(['dynamodb-trading-state']);
    expect(d.removed.map((x) => x.name)).toEqual(['dynamodb-trading_state']);
    expect(d.warnings).toEqual([expect.stringMatching(/^DELETE of stateful aws:dynamodb\/table:Table dynamodb-trading_state/)]);
  });

  it('treats deletion protection and recorded protect/retainOnDelete options as protected', () => {
    const alb = r('aws:lb/loadBalancer:LoadBalancer', 'alb', { name: 'tradai-alb-prod', enableDeletionProtection: true });
    expect(isProtected(alb)).toBe(true);
    expect(isProtected(r('aws:cognito/userPool:UserPool', 'users', { deletionProtection: 'ACTIVE' }))).toBe(true);
    expect(isProtected(r('aws:cognito/userPool:UserPool', 'users', { deletionProtection: 'INACTIVE' }))).toBe(false);
    expect(isProtected(r('aws:sns/topic:Topic', 't', {}, { options: { retainOnDelete: true } }))).toBe(true);
    const d = diffPlans(plan([alb]), plan([]));
    expect(d.warnings).toEqual([expect.stringContaining('DELETE of protected aws:lb/loadBalancer:LoadBalancer alb')]);
  });

  it('replaces a resource moved to another parent (its URN changes) and every changed task definition', () => {
    const moved = diffPlans(plan([table()]), plan([table({}, 'dynamodb-trading_state')].map((t) => ({ ...t, parent: null }))));
    expect(moved.changed[0]).toMatchObject({ kind: 'replace', replaceBecause: ['parent (tradai:persistent:DynamoDB::dynamodb -> stack)'] });
    expect(moved.warnings).toHaveLength(1);
    const td = (cpu: string) => r('aws:ecs/taskDefinition:TaskDefinition', 'backend', { family: 'tradai-backend-dev', cpu });
    expect(diffPlans(plan([td('256')]), plan([td('512')])).changed[0]).toMatchObject({ kind: 'replace', replaceBecause: ['cpu'] });
  });

  it('treats a layer missing at the base as all new, and reports changed outputs', () => {
    const d = diffPlans(null, plan([fn()], { alb_dns: 'x' }));
    expect(d.added).toHaveLength(1);
    expect(d.outputs).toEqual([{ path: 'alb_dns', new: 'x' }]);
    expect(formatDiff(diffPlans(plan([fn()]), plan([fn()])))).toBe('tradai-persistent (dev): 0 to add, 0 to change (0 replaced), 0 to delete\nno changes');
  });
});

describe('diffValues', () => {
  it('names the field inside a JSON document input and array elements by index', () => {
    const policy = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
    expect(diffValues({ policy: policy('s3:GetObject') }, { policy: policy('s3:*') })).toEqual([{ path: 'policy.Statement.0.Action', old: 's3:GetObject', new: 's3:*' }]);
    expect(diffValues({ subnets: ['a', 'b'] }, { subnets: ['a'] })).toEqual([{ path: 'subnets.1', old: 'b' }]);
    expect(diffValues({ a: { b: 1 } }, { a: 'x' })).toEqual([{ path: 'a', old: { b: 1 }, new: 'x' }]);
  });
});

describe('formatComment', () => {
  it('puts the warnings first, open, and each layer in a diff block', () => {
    const risky = diffPlans(plan([table()]), plan([table({ name: 'renamed' })]));
    const md = formatComment([risky, diffPlans(plan([fn()]), plan([fn()]))], 'origin/main');
    expect(md).toContain('### Offline plan diff against `origin/main` — :warning: stateful resources replaced or deleted');
    expect(md).toContain('> :warning: **REPLACE of stateful');
    expect(md).toContain('<details open><summary>tradai-persistent (dev): +0 ~1 -0</summary>');
    expect(md).toContain('```diff\ntradai-persistent (dev): 0 to add, 0 to change');
  });
});

describe('withWorktree (on a throwaway repository)', () => {
  const repo = mkdtempSync(join(tmpdir(), 'diff-repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
  // The repository both cases use (two commits, node_modules), built before either runs: the
  // second case needs commits too, and must not depend on the first having run.
  beforeAll(() => {
    git('init', '-q');
    writeFileSync(join(repo, 'plan.txt'), 'v1');
    git('add', '.');
    git('commit', '-qm', 'one');
    writeFileSync(join(repo, 'plan.txt'), 'v2');
    git('commit', '-qam', 'two');
    mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('checks out the base in a temporary worktree with node_modules linked, then removes it', async () => {
    let seen = '';
    let where = '';
    const result = await withWorktree(repo, 'HEAD~1', (dir, commit) => {
      where = dir;
      seen = readFileSync(join(dir, 'plan.txt'), 'utf8');
      expect(existsSync(join(dir, 'node_modules', 'pkg'))).toBe(true);
      expect(commit).toBe(resolveCommit(repo, 'HEAD~1'));
      return 42;
    });
    expect([seen, result]).toEqual(['v1', 42]);
    expect(existsSync(where)).toBe(false);
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
    // The working tree is untouched.
    expect(readFileSync(join(repo, 'plan.txt'), 'utf8')).toBe('v2');
  });

  it('removes the worktree when the work fails, and names a base that is not a commit', async () => {
    await expect(withWorktree(repo, 'HEAD', () => Promise.reject(new Error('synth failed')))).rejects.toThrow('synth failed');
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
    await expect(withWorktree(repo, 'no-such-ref', () => 1)).rejects.toThrow(/--base=no-such-ref is not a commit in .*fetch-depth: 0/);
  });
});
