import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type Dynalite } from '../testing/index.js';
import { IllegalTransitionError, NotFoundError } from '../errors.js';
import { ConfigVersionRepo } from './config-versions.js';
import { tableFromEnv } from './index.js';
import { WorkflowRepo } from './workflows.js';

let db: Dynalite;
let workflows: WorkflowRepo;
let configs: ConfigVersionRepo;

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['workflow_state', 'config_versions', 'drift_state']);
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
  configs = new ConfigVersionRepo(tableFromEnv(db.doc, 'config_versions', db.tableEnv()));
});
afterAll(() => db.stop());

describe('tableFromEnv', () => {
  it('names the variable when the function has no access to a table', () => {
    expect(() => tableFromEnv(db.doc, 'health_state', db.tableEnv())).toThrow('missing environment variable HEALTH_STATE_TABLE (table health_state)');
  });
});

describe('WorkflowRepo', () => {
  it('creates a QUEUED record once; a duplicate leaves the first untouched', async () => {
    expect(await workflows.createQueued({ workflow_id: 'wf-dup', workflow_type: 'backtest', strategy: 'a' })).toBe(true);
    expect(await workflows.createQueued({ workflow_id: 'wf-dup', workflow_type: 'backtest', strategy: 'b' })).toBe(false);
    expect((await workflows.get('wf-dup'))?.strategy).toBe('a');
  });

  it('walks legal transitions and rejects illegal ones without writing', async () => {
    await workflows.createQueued({ workflow_id: 'wf-1', workflow_type: 'backtest' });
    const running = await workflows.transition('wf-1', 'RUNNING');
    expect(running).toMatchObject({ previous: 'QUEUED', changed: true, item: { status: 'RUNNING' } });
    const again = await workflows.transition('wf-1', 'RUNNING');
    expect(again.changed).toBe(false);
    await workflows.transition('wf-1', 'SUCCEEDED');
    await expect(workflows.transition('wf-1', 'FAILED', { error: 'late' })).rejects.toThrow(IllegalTransitionError);
    const item = await workflows.get('wf-1');
    expect(item?.status).toBe('SUCCEEDED');
    expect(item?.error).toBeUndefined();
  });

  it('throws NotFoundError for an unknown workflow', async () => {
    await expect(workflows.transition('nope', 'RUNNING')).rejects.toThrow(NotFoundError);
  });

  it('lets only one of two concurrent writers leave a state', async () => {
    await workflows.createQueued({ workflow_id: 'wf-race', workflow_type: 'backtest' });
    const results = await Promise.allSettled([workflows.transition('wf-race', 'RUNNING'), workflows.transition('wf-race', 'CANCELLED')]);
    // Either RUNNING landed first and CANCELLED followed it (legal), or CANCELLED landed first and
    // RUNNING, re-reading a terminal state, was refused: never RUNNING after CANCELLED.
    expect((await workflows.get('wf-race'))!.status).toBe('CANCELLED');
    expect(results[1].status).toBe('fulfilled');
    if (results[0].status === 'rejected') expect(results[0].reason).toBeInstanceOf(IllegalTransitionError);
  });

  it('conditional update refuses a stale expected status', async () => {
    await workflows.createQueued({ workflow_id: 'wf-stale', workflow_type: 'backtest' });
    const ok = await workflows.table.update({ workflow_id: 'wf-stale' }, { status: 'RUNNING' }, { status: 'QUEUED' });
    expect(ok?.status).toBe('RUNNING');
    const stale = await workflows.table.update({ workflow_id: 'wf-stale' }, { status: 'CANCELLED' }, { status: 'QUEUED' });
    expect(stale).toBeUndefined();
    expect((await workflows.get('wf-stale'))?.status).toBe('RUNNING');
  });

  it('lists records by status older than a cut-off via the GSI', async () => {
    await workflows.createImplicit({ workflow_id: 'wf-old', workflow_type: 'retraining', status: 'RUNNING' }, new Date('2026-01-01T00:00:00Z'));
    await workflows.createImplicit({ workflow_id: 'wf-new', workflow_type: 'retraining', status: 'RUNNING' }, new Date('2026-01-02T00:00:00Z'));
    const old = await workflows.listByStatusBefore('RUNNING', new Date('2026-01-01T12:00:00Z'));
    expect(old.map((w) => w.workflow_id)).toEqual(['wf-old']);
  });

  it('records metrics only on RUNNING workflows', async () => {
    const metrics = { total_return: 0.1, sharpe: 1, periods_per_year: 365, max_drawdown: 0.05, win_rate: 0.5, trade_count: 2, final_equity: 1100, cagr: null, sortino: 2, max_drawdown_duration_ms: 3_600_000, profit_factor: 1.5, exposure: 0.4 };
    expect(await workflows.recordMetrics('wf-old', 'k', metrics)).toBe(true);
    expect((await workflows.get('wf-old'))?.metrics).toEqual(metrics);
    expect(await workflows.recordMetrics('wf-1', 'k', metrics)).toBe(false);
  });
});

describe('ConfigVersionRepo', () => {
  it('appends monotonic versions, distinct under concurrency, and reads the latest', async () => {
    const base = { strategy: 'cv', config_key: 'configs/cv.json', image: 'repo@sha256:1', created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' as const };
    expect((await configs.append(base)).version).toBe(1);
    const versions = await Promise.all([configs.append(base), configs.append(base), configs.append(base)]);
    expect(versions.map((v) => v.version).sort()).toEqual([2, 3, 4]);
    expect((await configs.latest('cv'))?.version).toBe(4);
    expect(await configs.get('cv', 2)).toMatchObject({ strategy: 'cv', version: 2 });
    expect(await configs.latest('unknown')).toBeUndefined();
  });
});

describe('Table.query', () => {
  it('returns newest first with a limit and bounds on the range key', async () => {
    const drift = tableFromEnv(db.doc, 'drift_state', db.tableEnv());
    for (const [day, value] of [['01', 0.1], ['02', 0.2], ['03', 0.3]] as const) {
      await drift.put({ strategy: 's', measured_at: `2026-01-${day}T00:00:00Z`, drift: value });
    }
    expect((await drift.latest('s'))?.drift).toBe(0.3);
    expect((await drift.query('s', { before: '2026-01-03' })).map((d) => d.drift)).toEqual([0.1, 0.2]);
    expect((await drift.query('s', { after: '2026-01-01T00:00:00Z', newestFirst: true })).map((d) => d.drift)).toEqual([0.3, 0.2]);
    expect(await drift.scan()).toHaveLength(3);
    await expect(drift.query('s', { index: 'nope' })).rejects.toThrow('drift_state: no index named nope');
  });
});

