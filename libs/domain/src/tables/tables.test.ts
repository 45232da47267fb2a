import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookClient, readBarrierClient, startDynalite, type Dynalite } from '../testing/index.js';
import { ConflictError, IllegalTransitionError, NotFoundError } from '../errors.js';
import { ConfigVersionRepo } from './config-versions.js';
import { tableFromEnv } from './index.js';
import type { ConfigVersionItem, WorkflowItem } from './items.js';
import { isConditionalCheckFailed, Table } from './table.js';
import { WorkflowRepo } from './workflows.js';

// Every test starts from empty tables on its own emulator: no test reads another's records.
let db: Dynalite;
beforeEach(async () => {
  db = await startDynalite();
  await db.createTables(['workflow_state', 'config_versions', 'drift_state']);
});
afterEach(() => db.stop());

const workflowTable = (doc: DynamoDBDocumentClient = db.doc) => tableFromEnv(doc, 'workflow_state', db.tableEnv());
const workflowRepo = (doc?: DynamoDBDocumentClient) => new WorkflowRepo(workflowTable(doc));
const configRepo = (doc: DynamoDBDocumentClient = db.doc) => new ConfigVersionRepo(tableFromEnv(doc, 'config_versions', db.tableEnv()));
const CONFIG = { strategy: 'cv', config_key: 'configs/cv.json', image: 'repo@sha256:1', created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' as const };
const metrics = { total_return: 0.1, sharpe: 1, periods_per_year: 365, max_drawdown: 0.05, win_rate: 0.5, trade_count: 2, final_equity: 1100, cagr: null, sortino: 2, max_drawdown_duration_ms: 3_600_000, profit_factor: 1.5, exposure: 0.4 };

/** Settled results -> ['fulfilled', 'rejected'] etc., for "exactly one wins" assertions. */
const outcomes = (results: PromiseSettledResult<unknown>[]) => results.map((r) => r.status).sort();

describe('tableFromEnv', () => {
  it('names the variable when the function has no access to a table', () => {
    expect(() => tableFromEnv(db.doc, 'health_state', db.tableEnv())).toThrow('missing environment variable HEALTH_STATE_TABLE (table health_state)');
  });
});

describe('Table', () => {
  it('names a missing key attribute (hash and range) instead of sending a malformed key', async () => {
    const cv = tableFromEnv(db.doc, 'config_versions', db.tableEnv());
    await expect(cv.get({ version: 1 })).rejects.toThrow('config_versions: key attribute strategy is missing');
    await expect(cv.get({ strategy: 'x' })).rejects.toThrow('config_versions: key attribute version is missing');
    expect(cv.keyOf({ strategy: 'x', version: 2, image: 'i' } as Partial<ConfigVersionItem>)).toEqual({ strategy: 'x', version: 2 });
    expect(workflowTable().keyOf({ workflow_id: 'w', status: 'QUEUED' })).toEqual({ workflow_id: 'w' });
  });

  it('refuses an update with no fields, and writes only the defined ones', async () => {
    const t = workflowTable();
    await t.put({ workflow_id: 'w', workflow_type: 'backtest', status: 'QUEUED', created_at: 'a', updated_at: 'a', error: 'old' });
    await expect(t.update({ workflow_id: 'w' }, {})).rejects.toThrow('workflow_state: update with no fields');
    await expect(t.update({ workflow_id: 'w' }, { error: undefined })).rejects.toThrow('workflow_state: update with no fields');
    expect(await t.update({ workflow_id: 'w' }, { error: undefined, updated_at: 'b' })).toEqual({ workflow_id: 'w', workflow_type: 'backtest', status: 'QUEUED', created_at: 'a', updated_at: 'b', error: 'old' });
  });

  it('update of a missing item writes nothing (no upsert) and answers undefined', async () => {
    const t = workflowTable();
    expect(await t.update({ workflow_id: 'ghost' }, { status: 'RUNNING' })).toBeUndefined();
    expect(await t.get({ workflow_id: 'ghost' })).toBeUndefined();
  });

  it('passes errors other than a failed condition through', async () => {
    const broken = new Table<WorkflowItem>(db.doc, 'workflow_state', 'no-such-table');
    const item: WorkflowItem = { workflow_id: 'w', workflow_type: 'backtest', status: 'QUEUED', created_at: 'a', updated_at: 'a' };
    await expect(broken.putIfAbsent(item)).rejects.toThrow(/non-existent table|not found/i);
    await expect(broken.update({ workflow_id: 'w' }, { status: 'RUNNING' })).rejects.toThrow(/non-existent table|not found/i);
  });

  it('recognises a failed condition by class or by name only', () => {
    expect(isConditionalCheckFailed(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(true);
    expect(isConditionalCheckFailed(Object.assign(new Error('x'), { name: 'ValidationException' }))).toBe(false);
    expect(isConditionalCheckFailed(null)).toBe(false);
    expect(isConditionalCheckFailed(undefined)).toBe(false);
  });
});

describe('race guards (both writers read before either writes)', () => {
  it('putIfAbsent: of two concurrent creators of one key exactly one wins; the stored item is the winner', async () => {
    const t = workflowTable();
    const item = (strategy: string): WorkflowItem => ({ workflow_id: 'w-dup', workflow_type: 'backtest', status: 'QUEUED', strategy, created_at: 'a', updated_at: 'a' });
    const [a, b] = await Promise.all([t.putIfAbsent(item('a')), t.putIfAbsent(item('b'))]);
    expect([a, b].sort()).toEqual([false, true]);
    expect(await t.get({ workflow_id: 'w-dup' })).toEqual(item(a ? 'a' : 'b'));
  });

  it('createQueued: a duplicate request returns false and leaves the first record untouched', async () => {
    const workflows = workflowRepo();
    const [a, b] = await Promise.all([
      workflows.createQueued({ workflow_id: 'wf-dup', workflow_type: 'backtest', strategy: 'a' }, new Date('2026-01-01T00:00:00Z')),
      workflows.createQueued({ workflow_id: 'wf-dup', workflow_type: 'backtest', strategy: 'b' }, new Date('2026-01-02T00:00:00Z')),
    ]);
    expect([a, b].sort()).toEqual([false, true]);
    const stored = await workflows.get('wf-dup');
    expect(stored).toEqual(
      a
        ? { workflow_id: 'wf-dup', workflow_type: 'backtest', strategy: 'a', status: 'QUEUED', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }
        : { workflow_id: 'wf-dup', workflow_type: 'backtest', strategy: 'b', status: 'QUEUED', created_at: '2026-01-02T00:00:00.000Z', updated_at: '2026-01-02T00:00:00.000Z' },
    );
  });

  it('update with expect: two writers holding the same expected status, one wins, the other writes nothing', async () => {
    const t = workflowTable();
    await t.put({ workflow_id: 'w', workflow_type: 'backtest', status: 'QUEUED', created_at: 'a', updated_at: 'a' });
    const [running, cancelled] = await Promise.all([
      t.update({ workflow_id: 'w' }, { status: 'RUNNING', updated_at: 'r' }, { status: 'QUEUED' }),
      t.update({ workflow_id: 'w' }, { status: 'CANCELLED', updated_at: 'c', error: 'user' }, { status: 'QUEUED' }),
    ]);
    expect([running, cancelled].filter((x) => x !== undefined)).toHaveLength(1);
    const winner = running ?? cancelled;
    expect(await t.get({ workflow_id: 'w' })).toEqual(winner);
  });

  it('update with several expected attributes needs all of them to hold', async () => {
    const t = workflowTable();
    await t.put({ workflow_id: 'w', workflow_type: 'backtest', status: 'RUNNING', created_at: 'a', updated_at: 'a', strategy: 's' });
    expect(await t.update({ workflow_id: 'w' }, { error: 'x' }, { status: 'RUNNING', strategy: 'other' })).toBeUndefined();
    expect(await t.update({ workflow_id: 'w' }, { error: 'x' }, { status: 'QUEUED', strategy: 's' })).toBeUndefined();
    expect((await t.get({ workflow_id: 'w' }))?.error).toBeUndefined();
    expect((await t.update({ workflow_id: 'w' }, { error: 'y' }, { status: 'RUNNING', strategy: 's' }))?.error).toBe('y');
  });

  it('update expecting an attribute absent: written once; of two writers only one sets it, the other writes nothing', async () => {
    const t = workflowTable();
    await t.put({ workflow_id: 'w', workflow_type: 'backtest', status: 'RUNNING', created_at: 'a', updated_at: 'a' });
    const [first, second] = await Promise.all([
      t.update({ workflow_id: 'w' }, { result_key: 'first', updated_at: 'b' }, { status: 'RUNNING', result_key: undefined }),
      t.update({ workflow_id: 'w' }, { result_key: 'second', updated_at: 'c' }, { status: 'RUNNING', result_key: undefined }),
    ]);
    expect([first, second].filter((x) => x !== undefined)).toHaveLength(1);
    expect(await t.get({ workflow_id: 'w' })).toEqual(first ?? second);
    // Once set, the absent condition fails even though the other expected value still holds.
    expect(await t.update({ workflow_id: 'w' }, { result_key: 'third' }, { status: 'RUNNING', result_key: undefined })).toBeUndefined();
    expect((await t.get({ workflow_id: 'w' }))?.result_key).toBe((first ?? second)?.result_key);
  });

  it('transition: of two writers leaving RUNNING for different terminal states, one wins and the other is refused', async () => {
    await workflowRepo().table.put({ workflow_id: 'wf', workflow_type: 'backtest', status: 'RUNNING', created_at: 'a', updated_at: 'a' });
    const gated = readBarrierClient(db.doc);
    const repo = workflowRepo(gated.doc);
    const results = await Promise.allSettled([
      repo.transition('wf', 'SUCCEEDED', { result_key: 'k' }, new Date('2026-01-01T00:00:01Z')),
      repo.transition('wf', 'CANCELLED', { error: 'cancelled by user' }, new Date('2026-01-01T00:00:02Z')),
    ]);
    expect(outcomes(results)).toEqual(['fulfilled', 'rejected']);
    const won = results.find((r) => r.status === 'fulfilled')!.value;
    const lost = results.find((r) => r.status === 'rejected')!.reason as IllegalTransitionError;
    // The loser re-read the winner's terminal state and was refused by the status machine.
    expect(lost).toBeInstanceOf(IllegalTransitionError);
    expect(lost.from).toBe(won.item.status);
    expect(won).toMatchObject({ previous: 'RUNNING', changed: true });
    // Both decided from the same read; the loser read once more after losing.
    expect(gated.reads()).toBe(3);
    expect(await repo.get('wf')).toEqual(won.item);
  });

  it('transition: of two deliveries of the same event, exactly one changes the record', async () => {
    await workflowRepo().table.put({ workflow_id: 'wf', workflow_type: 'backtest', status: 'QUEUED', created_at: 'a', updated_at: 'a' });
    const gated = readBarrierClient(db.doc);
    const repo = workflowRepo(gated.doc);
    const [a, b] = await Promise.all([
      repo.transition('wf', 'RUNNING', { execution_arn: 'arn:1' }, new Date('2026-01-01T00:00:01Z')),
      repo.transition('wf', 'RUNNING', { execution_arn: 'arn:2' }, new Date('2026-01-01T00:00:02Z')),
    ]);
    expect([a.changed, b.changed].sort()).toEqual([false, true]);
    const [won, lost] = a.changed ? [a, b] : [b, a];
    expect(lost.item).toEqual(won.item);
    expect(lost.previous).toBe('RUNNING');
    expect(await repo.get('wf')).toEqual(won.item);
  });

  it('transition: a writer whose reads keep going stale gives up after 3 attempts with ConflictError, writing nothing', async () => {
    await workflowRepo().table.put({ workflow_id: 'wf', workflow_type: 'backtest', status: 'RUNNING', created_at: 'a', updated_at: 'a' });
    let updates = 0;
    // A reader that always sees the record as QUEUED (what a concurrent writer just moved on from).
    const stale = hookClient(db.doc, async (command, send) => {
      if (command instanceof UpdateCommand) updates++;
      const res = await send();
      return command instanceof GetCommand ? { ...res, Item: { ...(res['Item'] as object), status: 'QUEUED' } } : res;
    });
    const err = await workflowRepo(stale)
      .transition('wf', 'CANCELLED')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe('workflow wf: status kept changing while moving to CANCELLED');
    expect(updates).toBe(3);
    expect(await workflowRepo().get('wf')).toEqual({ workflow_id: 'wf', workflow_type: 'backtest', status: 'RUNNING', created_at: 'a', updated_at: 'a' });
  });

  it('markNotified: a notification for a status the record has left is not recorded', async () => {
    const workflows = workflowRepo();
    await workflows.table.put({ workflow_id: 'wf', workflow_type: 'backtest', status: 'SUCCEEDED', created_at: 'a', updated_at: 'a' });
    await workflows.markNotified('wf', 'RUNNING');
    expect((await workflows.get('wf'))?.notified_status).toBeUndefined();
    await workflows.markNotified('wf', 'SUCCEEDED');
    expect((await workflows.get('wf'))?.notified_status).toBe('SUCCEEDED');
  });

  it('recordMetrics: metrics land only while the workflow is RUNNING', async () => {
    const workflows = workflowRepo();
    await workflows.table.put({ workflow_id: 'wf-run', workflow_type: 'backtest', status: 'RUNNING', created_at: 'a', updated_at: 'a' });
    await workflows.table.put({ workflow_id: 'wf-done', workflow_type: 'backtest', status: 'CANCELLED', created_at: 'a', updated_at: 'a' });
    expect(await workflows.recordMetrics('wf-run', 'k', metrics, new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(await workflows.get('wf-run')).toMatchObject({ metrics, result_key: 'k', updated_at: '2026-01-01T00:00:00.000Z', status: 'RUNNING' });
    expect(await workflows.recordMetrics('wf-done', 'k', metrics)).toBe(false);
    expect((await workflows.get('wf-done'))?.metrics).toBeUndefined();
    expect(await workflows.recordMetrics('wf-missing', 'k', metrics)).toBe(false);
    expect(await workflows.get('wf-missing')).toBeUndefined();
  });

  it('config append: two appenders that read the same latest get distinct versions; the loser retries once', async () => {
    await configRepo().append(CONFIG);
    let puts = 0;
    const gated = readBarrierClient(
      hookClient(db.doc, (command, send) => {
        if (command instanceof PutCommand) puts++;
        return send();
      }),
    );
    const repo = configRepo(gated.doc);
    const [a, b] = await Promise.all([repo.append({ ...CONFIG, config_key: 'a.json' }), repo.append({ ...CONFIG, config_key: 'b.json' })]);
    expect([a.version, b.version].sort()).toEqual([2, 3]);
    expect(puts).toBe(3); // both tried version 2, the loser then wrote 3
    for (const v of [a, b]) expect(await repo.get('cv', v.version)).toEqual(v);
    expect((await repo.latest('cv'))?.version).toBe(3);
  });

  it('config append: after 5 lost races a ConflictError names the strategy, and nothing is overwritten', async () => {
    const first = await configRepo().append(CONFIG);
    let puts = 0;
    // Every read of the latest version is stale (empty): each attempt tries version 1 again.
    const stale = hookClient(db.doc, async (command, send) => {
      if (command instanceof PutCommand) puts++;
      if (command instanceof QueryCommand) return { ...(await send()), Items: [] };
      return send();
    });
    await expect(configRepo(stale).append({ ...CONFIG, config_key: 'late.json' })).rejects.toThrow(
      new ConflictError('config_versions cv: could not append after 5 concurrent attempts'),
    );
    expect(puts).toBe(5);
    expect(await configRepo().get('cv', 1)).toEqual(first);
  });
});

describe('WorkflowRepo', () => {
  it('walks legal transitions and rejects illegal ones without writing', async () => {
    const workflows = workflowRepo();
    await workflows.createQueued({ workflow_id: 'wf-1', workflow_type: 'backtest' }, new Date('2026-01-01T00:00:00Z'));
    const running = await workflows.transition('wf-1', 'RUNNING', { execution_arn: 'arn:x' }, new Date('2026-01-01T00:01:00Z'));
    expect(running).toEqual({
      previous: 'QUEUED',
      changed: true,
      item: { workflow_id: 'wf-1', workflow_type: 'backtest', status: 'RUNNING', execution_arn: 'arn:x', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:01:00.000Z' },
    });
    const again = await workflows.transition('wf-1', 'RUNNING');
    expect(again).toEqual({ previous: 'RUNNING', changed: false, item: running.item });
    await workflows.transition('wf-1', 'SUCCEEDED');
    await expect(workflows.transition('wf-1', 'FAILED', { error: 'late' })).rejects.toThrow(IllegalTransitionError);
    const item = await workflows.get('wf-1');
    expect(item?.status).toBe('SUCCEEDED');
    expect(item?.error).toBeUndefined();
  });

  it('throws NotFoundError naming the workflow', async () => {
    await expect(workflowRepo().transition('nope', 'RUNNING')).rejects.toThrow(new NotFoundError('workflow nope not found in workflow_state'));
  });

  it('creates an implicit record only in a state QUEUED may move to', async () => {
    const workflows = workflowRepo();
    expect(await workflows.createImplicit({ workflow_id: 'rt', workflow_type: 'retraining', status: 'RUNNING' }, new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(await workflows.get('rt')).toEqual({ workflow_id: 'rt', workflow_type: 'retraining', status: 'RUNNING', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' });
    expect(await workflows.createImplicit({ workflow_id: 'rt', workflow_type: 'retraining', status: 'FAILED' })).toBe(false);
    expect(() => workflows.createImplicit({ workflow_id: 'rt-2', workflow_type: 'retraining', status: 'SUCCEEDED' })).toThrow(IllegalTransitionError);
    expect(await workflows.get('rt-2')).toBeUndefined();
  });

  it('lists records by status updated strictly before a cut-off via the GSI', async () => {
    const workflows = workflowRepo();
    const at = (iso: string) => new Date(iso);
    await workflows.createImplicit({ workflow_id: 'wf-before', workflow_type: 'retraining', status: 'RUNNING' }, at('2026-01-01T11:59:59.999Z'));
    await workflows.createImplicit({ workflow_id: 'wf-at', workflow_type: 'retraining', status: 'RUNNING' }, at('2026-01-01T12:00:00.000Z'));
    await workflows.createImplicit({ workflow_id: 'wf-after', workflow_type: 'retraining', status: 'RUNNING' }, at('2026-01-01T12:00:00.001Z'));
    await workflows.createImplicit({ workflow_id: 'wf-failed', workflow_type: 'retraining', status: 'FAILED' }, at('2026-01-01T00:00:00.000Z'));
    expect((await workflows.listByStatusBefore('RUNNING', at('2026-01-01T12:00:00.000Z'))).map((w) => w.workflow_id)).toEqual(['wf-before']);
  });
});

describe('ConfigVersionRepo', () => {
  it('appends monotonic versions from 1 and reads the latest and a given version', async () => {
    const configs = configRepo();
    expect(await configs.latest('cv')).toBeUndefined();
    expect(await configs.append(CONFIG)).toEqual({ ...CONFIG, version: 1 });
    expect((await configs.append(CONFIG)).version).toBe(2);
    expect((await configs.latest('cv'))?.version).toBe(2);
    expect(await configs.get('cv', 1)).toEqual({ ...CONFIG, version: 1 });
    expect(await configs.get('cv', 3)).toBeUndefined();
    expect((await configs.append({ ...CONFIG, strategy: 'other' })).version).toBe(1);
  });
});

describe('Table.query', () => {
  const seed = async () => {
    const drift = tableFromEnv(db.doc, 'drift_state', db.tableEnv());
    for (const [day, value] of [['01', 0.1], ['02', 0.2], ['03', 0.3]] as const) {
      await drift.put({ strategy: 's', measured_at: `2026-01-${day}T00:00:00Z`, drift: value });
    }
    await drift.put({ strategy: 'other', measured_at: '2026-01-02T00:00:00Z', drift: 9 });
    return drift;
  };

  it('returns oldest first by default, newest first on request, with a limit', async () => {
    const drift = await seed();
    expect((await drift.query('s')).map((d) => d.drift)).toEqual([0.1, 0.2, 0.3]);
    expect((await drift.query('s', { newestFirst: true, limit: 2 })).map((d) => d.drift)).toEqual([0.3, 0.2]);
    expect((await drift.latest('s'))?.drift).toBe(0.3);
    expect(await drift.latest('nobody')).toBeUndefined();
    expect(await drift.scan()).toHaveLength(4);
  });

  it('bounds exclusively on one side and inclusively between both', async () => {
    const drift = await seed();
    expect((await drift.query('s', { before: '2026-01-03T00:00:00Z' })).map((d) => d.drift)).toEqual([0.1, 0.2]);
    expect((await drift.query('s', { after: '2026-01-01T00:00:00Z' })).map((d) => d.drift)).toEqual([0.2, 0.3]);
    expect((await drift.query('s', { after: '2026-01-01T00:00:00Z', before: '2026-01-02T00:00:00Z' })).map((d) => d.drift)).toEqual([0.1, 0.2]);
  });

  it('follows pagination to the end, and stops at the limit', async () => {
    const drift = tableFromEnv(db.doc, 'drift_state', db.tableEnv());
    // Large items make DynamoDB (1 MB pages) split the answer.
    const pad = 'x'.repeat(300_000);
    for (let i = 0; i < 5; i++) await drift.put({ strategy: 'big', measured_at: `2026-01-0${i + 1}`, drift: i, pad } as never);
    expect((await drift.query('big')).map((d) => d.drift)).toEqual([0, 1, 2, 3, 4]);
    expect((await drift.query('big', { limit: 4 })).map((d) => d.drift)).toEqual([0, 1, 2, 3]);
    expect(await drift.scan()).toHaveLength(5);
  });

  it('names an unknown index and a range condition on a table without a range key', async () => {
    const drift = await seed();
    await expect(drift.query('s', { index: 'nope' })).rejects.toThrow('drift_state: no index named nope');
    await expect(workflowTable().query('w', { before: 'x' })).rejects.toThrow('workflow_state: range condition on table without a range key');
    await expect(workflowTable().latest('w')).rejects.toThrow('workflow_state: latest() needs a range key');
  });
});
