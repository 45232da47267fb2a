import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConflictError, NotFoundError, readS3Text, tableFromEnv, ValidationError, WorkflowRepo } from '@tradai/domain';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hookDocumentClient, startDynalite, startFauxqs, type Dynalite, type Fauxqs } from '@tradai/domain/testing';
import { captureLogs, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeResults, type ConsumeResultsDeps } from './run.js';

const BUCKET = 'tradai-results-test';
let db: Dynalite;
let fx: Fauxqs;
let workflows: WorkflowRepo;
let deps: ConsumeResultsDeps;

const file = (strategy = 'momo') => ({
  strategy,
  timeframe: '1d',
  startingBalance: 1000,
  equityCurve: [
    { timestamp: '2026-01-01T00:00:00Z', equity: 1000 },
    { timestamp: '2026-01-02T00:00:00Z', equity: 1050 },
    { timestamp: '2026-01-03T00:00:00Z', equity: 1100 },
  ],
  trades: [{ pair: 'BTC/USDT', openedAt: '2026-01-01T00:00:00Z', closedAt: '2026-01-03T00:00:00Z', profitAbs: 100, profitRatio: 0.1 }],
});

async function put(key: string, body: unknown): Promise<void> {
  await fx.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

async function running(id: string): Promise<void> {
  await workflows.createQueued({ workflow_id: id, workflow_type: 'backtest', strategy: 'momo' });
  await workflows.transition(id, 'RUNNING');
}

beforeAll(async () => {
  [db, fx] = await Promise.all([startDynalite(), startFauxqs()]);
  await db.createTables(['workflow_state']);
  fx.server.createBucket(BUCKET);
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
  deps = { workflows, bucket: BUCKET, readObject: (key) => readS3Text(fx.s3, BUCKET, key) };
});
afterAll(async () => {
  await Promise.all([db.stop(), fx.stop()]);
});

describe('consumeResults', () => {
  it('reads the result file from S3 and stores the metrics on the workflow', async () => {
    await running('bt-ok');
    await put('backtests/bt-ok/result.json', file());
    const out = await consumeResults(deps, { workflowId: 'bt-ok', resultKey: 'backtests/bt-ok/result.json' });
    expect(out.metrics).toMatchObject({ total_return: expect.closeTo(0.1, 12), max_drawdown: 0, win_rate: 1, trade_count: 1, periods_per_year: 365 });
    // One trade over two of the curve's three days; no loss, so no profit factor.
    expect(out.metrics).toMatchObject({ exposure: expect.closeTo(2 / 3, 12), profit_factor: null, sortino: null, max_drawdown_duration_ms: 0 });
    expect(await workflows.get('bt-ok')).toMatchObject({ status: 'RUNNING', result_key: 'backtests/bt-ok/result.json', metrics: out.metrics });
  });

  it('is a no-op on duplicate delivery, also after the workflow finished', async () => {
    await running('bt-dup');
    await put('r/dup.json', file());
    const first = await consumeResults(deps, { workflowId: 'bt-dup', resultKey: 'r/dup.json' });
    expect((await consumeResults(deps, { workflowId: 'bt-dup', resultKey: 'r/dup.json' })).stored).toBe(false);
    await workflows.transition('bt-dup', 'SUCCEEDED');
    expect(await consumeResults(deps, { workflowId: 'bt-dup', resultKey: 'r/dup.json' })).toEqual({ ...first, stored: false });
  });

  it('rejects a malformed file naming the field and writes nothing', async () => {
    await running('bt-bad');
    const bad = file();
    bad.trades[0]!.profitAbs = 'lots' as unknown as number;
    await put('r/bad.json', bad);
    await expect(consumeResults(deps, { workflowId: 'bt-bad', resultKey: 'r/bad.json' })).rejects.toThrow(/^invalid result file s3:\/\/\S+\/r\/bad\.json: trades\.0\.profitAbs/);
    await put('r/notjson.json', 'equity,1000');
    await expect(consumeResults(deps, { workflowId: 'bt-bad', resultKey: 'r/notjson.json' })).rejects.toThrow(/\(root\): body is not valid JSON/);
    await put('r/other.json', file('other'));
    await expect(consumeResults(deps, { workflowId: 'bt-bad', resultKey: 'r/other.json' })).rejects.toThrow(
      new ValidationError(`invalid result file s3://${BUCKET}/r/other.json: strategy: is "other", workflow ran "momo"`, 'strategy'),
    );
    expect((await workflows.get('bt-bad'))?.metrics).toBeUndefined();
  });

  it('names a missing result file and a missing workflow', async () => {
    await running('bt-none');
    await expect(consumeResults(deps, { workflowId: 'bt-none', resultKey: 'r/missing.json' })).rejects.toThrow(
      new NotFoundError(`result file s3://${BUCKET}/r/missing.json does not exist (the strategy task wrote no result)`),
    );
    await expect(consumeResults(deps, { workflowId: 'bt-ghost', resultKey: 'r/x.json' })).rejects.toThrow(
      new NotFoundError('workflow bt-ghost not found in workflow_state'),
    );
    // HeadObject-style answers say NotFound instead of NoSuchKey.
    const head = { ...deps, readObject: () => Promise.reject(Object.assign(new Error('Not Found'), { name: 'NotFound' })) };
    await expect(consumeResults(head, { workflowId: 'bt-none', resultKey: 'r/head.json' })).rejects.toThrow(
      new NotFoundError(`result file s3://${BUCKET}/r/head.json does not exist (the strategy task wrote no result)`),
    );
  });

  it('refuses to attach results to a workflow that is not RUNNING', async () => {
    await workflows.createQueued({ workflow_id: 'bt-q', workflow_type: 'backtest', strategy: 'momo' });
    await put('r/q.json', file());
    await expect(consumeResults(deps, { workflowId: 'bt-q', resultKey: 'r/q.json' })).rejects.toThrow(
      new ConflictError('workflow bt-q is QUEUED, not RUNNING: results not stored'),
    );
    expect((await workflows.get('bt-q'))?.metrics).toBeUndefined();
  });

  it('after the workflow finished, refuses other results: a different key or different metrics', async () => {
    await running('bt-done');
    await put('r/done.json', file());
    await put('r/done-other.json', { ...file(), startingBalance: 500 });
    await consumeResults(deps, { workflowId: 'bt-done', resultKey: 'r/done.json' });
    await workflows.transition('bt-done', 'SUCCEEDED');
    await put('r/done-copy.json', file());
    await expect(consumeResults(deps, { workflowId: 'bt-done', resultKey: 'r/done-copy.json' })).rejects.toThrow(ConflictError);
    await expect(consumeResults(deps, { workflowId: 'bt-done', resultKey: 'r/done-other.json' })).rejects.toThrow(ConflictError);
    expect(await workflows.get('bt-done')).toMatchObject({ result_key: 'r/done.json' });
  });

  it('stores new results over earlier ones while RUNNING, at the injected time', async () => {
    await running('bt-again');
    await put('r/again-1.json', file());
    await put('r/again-2.json', { ...file(), startingBalance: 500 });
    await consumeResults(deps, { workflowId: 'bt-again', resultKey: 'r/again-1.json' });
    const at = new Date('2026-05-05T05:05:05.000Z');
    const second = await consumeResults({ ...deps, now: () => at }, { workflowId: 'bt-again', resultKey: 'r/again-2.json' });
    expect(second.stored).toBe(true);
    expect(second.metrics.total_return).toBeCloseTo(1.2, 12);
    expect(await workflows.get('bt-again')).toMatchObject({ result_key: 'r/again-2.json', metrics: second.metrics, updated_at: at.toISOString() });
    // Same metrics under another key while RUNNING: stored again (the key changed).
    await put('r/again-3.json', { ...file(), startingBalance: 500 });
    expect((await consumeResults(deps, { workflowId: 'bt-again', resultKey: 'r/again-3.json' })).stored).toBe(true);
  });

  it('accepts any strategy for a workflow that records none', async () => {
    await workflows.createQueued({ workflow_id: 'bt-anon', workflow_type: 'backtest' });
    await workflows.transition('bt-anon', 'RUNNING');
    await put('r/anon.json', file('whatever'));
    expect((await consumeResults(deps, { workflowId: 'bt-anon', resultKey: 'r/anon.json' })).stored).toBe(true);
  });

  it('race: the workflow leaves RUNNING after the read and before the write: results refused, nothing stored', async () => {
    await running('bt-race');
    await put('r/race.json', file());
    // The metrics write (a stale expectation of RUNNING) is sent only after another writer failed the workflow.
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      if (command instanceof UpdateCommand) await workflows.transition('bt-race', 'FAILED', { error: 'timed out' });
      return send();
    });
    const stale = { ...deps, workflows: new WorkflowRepo(tableFromEnv(doc, 'workflow_state', db.tableEnv())) };
    await expect(consumeResults(stale, { workflowId: 'bt-race', resultKey: 'r/race.json' })).rejects.toThrow(
      new ConflictError('workflow bt-race left RUNNING while its results were being stored'),
    );
    const stored = await workflows.get('bt-race');
    expect(stored).toMatchObject({ status: 'FAILED', error: 'timed out' });
    expect(stored?.metrics).toBeUndefined();
    expect(stored?.result_key).toBeUndefined();
  });

  it('surfaces an S3 outage as an error (Step Functions retries the task)', async () => {
    await running('bt-s3');
    const down = { ...deps, readObject: () => Promise.reject(Object.assign(new Error('SlowDown'), { name: 'SlowDown' })) };
    await expect(consumeResults(down, { workflowId: 'bt-s3', resultKey: 'r/x.json' })).rejects.toThrow('SlowDown');
    expect((await workflows.get('bt-s3'))?.metrics).toBeUndefined();
  });
});

describe('handler', () => {
  it('validates the task input and reads from the configured bucket', async () => {
    const restore = setLambdaEnv('consume-results', {
      ...db.tableEnv(),
      RESULTS_BUCKET: BUCKET,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_ENDPOINT_URL_S3: fx.endpoint,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ workflowId: 'bt-h' })).rejects.toThrow(/^invalid consume-results input: resultKey: /);
      await running('bt-h');
      await put('backtests/bt-h/result.json', file());
      let out!: Awaited<ReturnType<typeof handler>>;
      const logs = await captureLogs(async () => {
        out = await handler({ workflowId: 'bt-h', resultKey: 'backtests/bt-h/result.json' });
      });
      expect(out.metrics.trade_count).toBe(1);
      expect(logs).toEqual([
        expect.objectContaining({ level: 'INFO', service: 'consume-results', message: 'results stored', workflowId: 'bt-h', metrics: expect.objectContaining({ trade_count: 1 }) }),
      ]);
    } finally {
      restore();
    }
  });
});
