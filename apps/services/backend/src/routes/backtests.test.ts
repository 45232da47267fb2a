import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, type WorkflowItem } from '@tradai/domain';
import { barrier, hookClient } from '@tradai/domain/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBackendApp } from '../app.js';
import { depsFrom } from '../deps.js';
import { BACKTEST_SM, NOW, RESULTS_BUCKET, problemOf, startHarness, type Harness } from '../test-support.js';

let h: Harness;
const metrics = { total_return: 0.12, sharpe: 1.4, periods_per_year: 8760, max_drawdown: 0.05, win_rate: 0.6, trade_count: 10, final_equity: 11200, cagr: null, sortino: null, max_drawdown_duration_ms: 0, profit_factor: 2, exposure: 0.4 };

function backtest(id: string, day: number, over: Partial<WorkflowItem> = {}): WorkflowItem {
  const at = `2026-05-${String(day).padStart(2, '0')}T00:00:00.000Z`;
  return { workflow_id: id, workflow_type: 'backtest', status: 'SUCCEEDED', strategy: day % 2 ? 'odd' : 'even', created_at: at, updated_at: at, ...over };
}

/** A SUCCEEDED record whose result file is `backtests/<id>/result.json`; `body` writes that file too. */
async function succeeded(id: string, body?: string) {
  const key = `backtests/${id}/result.json`;
  await h.deps.workflows.table.put(backtest(id, 4, { metrics, result_key: key }));
  if (body !== undefined) await h.aws.s3.send(new PutObjectCommand({ Bucket: RESULTS_BUCKET, Key: key, Body: body }));
}

/** 12 backtests on days 1..12 (odd/even strategies), plus a retraining workflow the list must skip. */
async function seed(harness: Harness): Promise<void> {
  for (let d = 1; d <= 12; d++) await harness.deps.workflows.table.put(backtest(`bt-${d}`, d, { status: d === 12 ? 'RUNNING' : d === 11 ? 'FAILED' : 'SUCCEEDED' }));
  await harness.deps.workflows.table.put({ workflow_id: 'rt-1', workflow_type: 'retraining', status: 'RUNNING', strategy: 'odd', created_at: '2026-05-20T00:00:00.000Z', updated_at: '2026-05-20T00:00:00.000Z' });
}

beforeAll(async () => {
  h = await startHarness();
  await seed(h);
});
afterAll(() => h.stop());
beforeEach(() => h.sfn.reset());

describe('GET /api/v1/backtests', () => {
  // The list sees every backtest in the table: it gets its own, which no other test writes to.
  let lh: Harness;
  beforeAll(async () => {
    lh = await startHarness();
    await seed(lh);
  });
  afterAll(() => lh.stop());

  const list = async (qs: string) => {
    const res = await lh.app.inject({ method: 'GET', url: `/api/v1/backtests${qs}` });
    return { res, body: JSON.parse(res.body) as { items: { id: string; status: string }[]; nextCursor?: string } };
  };

  it('pages newest first without repeating or skipping, and leaves retraining workflows out', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { res, body } = await list(`?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `bt-${12 - i}`));
    expect(pages).toBe(3);
  });

  it('filters by strategy and status, paging through the filtered set', async () => {
    const first = await list('?strategy=even&status=SUCCEEDED&limit=2');
    expect(first.body.items.map((i) => i.id)).toEqual(['bt-10', 'bt-8']);
    const second = await list(`?strategy=even&status=SUCCEEDED&limit=10&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i) => i.id)).toEqual(['bt-6', 'bt-4', 'bt-2']);
    expect(second.body.nextCursor).toBeUndefined();
    expect((await list('?status=RUNNING')).body.items.map((i) => i.id)).toEqual(['bt-12']);
    expect((await list('?strategy=nobody')).body.items).toEqual([]);
  });

  it.each([
    ['?limit=0', 'querystring.limit'],
    ['?limit=abc', 'querystring.limit'],
    ['?status=DONE', 'querystring.status'],
    ['?strategy=Bad%20Name', 'querystring.strategy'],
  ])('400 naming the field for %s', async (qs, path) => {
    const { res } = await list(qs);
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors?.map((e) => e.path)).toContain(path);
  });

  it('400 for a cursor it did not issue', async () => {
    const { res } = await list('?cursor=not-a-cursor');
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).detail).toContain('cursor');
  });
});

describe('GET /api/v1/backtests/{id}', () => {
  it('returns the record in the API shape', async () => {
    await h.deps.workflows.table.put(backtest('bt-view', 3, { metrics, result_key: 'backtests/bt-view/result.json', execution_arn: 'arn:x', request: { symbols: ['BTC/USDT'] } }));
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-view' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: 'bt-view', status: 'SUCCEEDED', strategy: 'odd', executionArn: 'arn:x', resultKey: 'backtests/bt-view/result.json', request: { symbols: ['BTC/USDT'] }, metrics: { sharpe: 1.4 } });
  });

  it('404 for an unknown id and for a retraining workflow id', async () => {
    for (const id of ['bt-nope', 'rt-1']) {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/backtests/${id}` });
      expect(res.statusCode).toBe(404);
      expect(problemOf(res).detail).toBe(`backtest ${id} not found`);
    }
  });

  it('400 naming params.id for an id that cannot be an execution name', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/has.dots' });
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors?.[0]?.path).toBe('params.id');
  });
});

describe('GET /api/v1/backtests/{id}/results', () => {
  it('returns the metrics inline and where the result file is', async () => {
    await succeeded('bt-res', '{"equity":[]}');
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-res/results' });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.metrics).toMatchObject({ total_return: 0.12, trade_count: 10 });
    expect(body.resultFile).toMatchObject({ bucket: RESULTS_BUCKET, key: 'backtests/bt-res/result.json', sizeBytes: 13, expiresInSeconds: 300 });
    // The presigned link is the file: fetched without credentials from the local S3, it returns the body.
    expect(body.resultFile.url).toMatch(/X-Amz-Expires=300/);
    const download = await fetch(body.resultFile.url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('{"equity":[]}');
    // Written before reports existed: no report, and the results still answer.
    expect(body.report).toBeNull();
  });

  it('links the HTML report the task wrote beside the result file', async () => {
    await succeeded('bt-rep', '{}');
    await h.aws.s3.send(new PutObjectCommand({ Bucket: RESULTS_BUCKET, Key: 'backtests/bt-rep/result.html', Body: '<!doctype html><title>r</title>', ContentType: 'text/html' }));
    const body = JSON.parse((await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-rep/results' })).body);
    expect(body.report).toMatchObject({ key: 'backtests/bt-rep/result.html', expiresInSeconds: 300 });
    const page = await fetch(body.report.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html><title>r</title>');
  });

  it('409 until the record has SUCCEEDED with metrics, even when a result file is already there', async () => {
    await h.aws.s3.send(new PutObjectCommand({ Bucket: RESULTS_BUCKET, Key: 'backtests/bt-early/result.json', Body: '{}' }));
    for (const [id, over] of [
      ['bt-early', { status: 'RUNNING', metrics, result_key: 'backtests/bt-early/result.json' }],
      ['bt-nometrics', { status: 'SUCCEEDED', result_key: 'backtests/bt-early/result.json' }],
    ] as const) {
      await h.deps.workflows.table.put(backtest(id, 4, over));
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/backtests/${id}/results` });
      expect(res.statusCode, id).toBe(409);
      expect(problemOf(res).detail).toBe(`backtest ${id} is ${over.status}; results exist once it has SUCCEEDED`);
    }
  });

  /** The app over an S3 client whose HeadObject of `key` fails with `err`. */
  async function headFails(key: string, err: Error) {
    const s3 = hookClient(h.deps.s3, async (command, send) => {
      if (command instanceof HeadObjectCommand && command.input.Key === key) throw err;
      return send();
    });
    return buildBackendApp({ ...h.deps, s3 }, { logLevel: 'silent' });
  }
  const s3Error = (name: string, status: number, fault: 'client' | 'server') => Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

  it('503 when S3 fails while looking for the report, not a result without it', async () => {
    await succeeded('bt-rep-down', '{}');
    const app = await headFails('backtests/bt-rep-down/result.html', s3Error('InternalError', 500, 'server'));
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/backtests/bt-rep-down/results' });
      expect(res.statusCode).toBe(503);
      expect(problemOf(res).detail).toMatch(/^S3 unavailable/);
    } finally {
      await app.close();
    }
  });

  it('reads NoSuchKey (what S3-compatible stores answer) as missing, like NotFound', async () => {
    await succeeded('bt-nsk', '{}');
    const noReport = await headFails('backtests/bt-nsk/result.html', s3Error('NoSuchKey', 404, 'client'));
    try {
      const res = await noReport.inject({ method: 'GET', url: '/api/v1/backtests/bt-nsk/results' });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body).report).toBeNull();
    } finally {
      await noReport.close();
    }
    const noResult = await headFails('backtests/bt-nsk/result.json', s3Error('NoSuchKey', 404, 'client'));
    try {
      const res = await noResult.inject({ method: 'GET', url: '/api/v1/backtests/bt-nsk/results' });
      expect(res.statusCode).toBe(404);
      expect(problemOf(res).detail).toContain('backtests/bt-nsk/result.json');
    } finally {
      await noResult.close();
    }
  });

  it('409 while the backtest has not succeeded, 404 when the file is gone', async () => {
    const running = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-12/results' });
    expect(running.statusCode).toBe(409);
    expect(problemOf(running).detail).toBe('backtest bt-12 is RUNNING; results exist once it has SUCCEEDED');
    await succeeded('bt-lost');
    const lost = await h.app.inject({ method: 'GET', url: '/api/v1/backtests/bt-lost/results' });
    expect(lost.statusCode).toBe(404);
    expect(problemOf(lost).detail).toContain('backtests/bt-lost/result.json');
  });
});

describe('DELETE /api/v1/backtests/{id}', () => {
  it('stops the execution, then records CANCELLED', async () => {
    await h.deps.workflows.table.put(backtest('bt-run', 5, { status: 'RUNNING', execution_arn: 'arn:aws:states:us-east-1:0:execution:sm:bt-run' }));
    h.sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-run' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: 'bt-run', status: 'CANCELLED', error: 'cancelled by user' });
    expect(h.sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input.executionArn).toBe('arn:aws:states:us-east-1:0:execution:sm:bt-run');
    // The cause Step Functions shows on the stopped execution points back at the API request.
    expect(h.sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input.cause).toMatch(/^cancelled via backend-api \(request \S+\)$/);
    expect((await h.deps.workflows.get('bt-run'))?.status).toBe('CANCELLED');
  });

  it('derives the execution ARN of a QUEUED backtest the consumer has not annotated, and tolerates a not-yet-started execution', async () => {
    await h.deps.workflows.table.put(backtest('bt-q', 5, { status: 'QUEUED' }));
    h.sfn.on(StopExecutionCommand).rejects(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));
    const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-q' });
    expect(res.statusCode).toBe(200);
    expect(h.sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input.executionArn).toBe(`${BACKTEST_SM.replace(':stateMachine:', ':execution:')}:bt-q`);
    expect((await h.deps.workflows.get('bt-q'))?.status).toBe('CANCELLED');
  });

  it('409 saying why for a finished backtest, without touching Step Functions', async () => {
    const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-1' });
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).detail).toBe('backtest bt-1 already SUCCEEDED at 2026-05-01T00:00:00.000Z; only QUEUED or RUNNING backtests can be cancelled');
    expect(h.sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('404 for an unknown backtest', async () => {
    expect((await h.app.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-ghost' })).statusCode).toBe(404);
  });

  it('of two concurrent cancels that both read RUNNING, exactly one writes CANCELLED; both answer it', async () => {
    await h.deps.workflows.table.put(backtest('bt-race', 7, { status: 'RUNNING' }));
    h.sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    // Round 1: both routes read the record; round 2: both transitions read it; only then may either write.
    const rounds = [barrier(2), barrier(2)];
    let reads = 0;
    const updates: ('written' | 'refused')[] = [];
    const doc = hookClient(h.db.doc, async (command, send) => {
      if (command instanceof UpdateCommand) {
        try {
          const res = await send();
          updates.push('written');
          return res;
        } catch (err) {
          if (isConditionalCheckFailed(err)) updates.push('refused');
          throw err;
        }
      }
      const res = await send();
      if (command instanceof GetCommand) await rounds[Math.floor(reads++ / 2)]?.arrive();
      return res;
    });
    const gated = await buildBackendApp(depsFrom(h.config, { doc, s3: h.deps.s3, sfn: h.deps.sfn, lambda: h.deps.lambda, now: () => NOW }), { logLevel: 'silent' });
    try {
      const [a, b] = await Promise.all([0, 1].map(() => gated.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-race' })));
      expect([a!.statusCode, b!.statusCode]).toEqual([200, 200]);
      expect(updates.sort()).toEqual(['refused', 'written']);
      expect(JSON.parse(a!.body)).toEqual(JSON.parse(b!.body));
      expect(await h.deps.workflows.get('bt-race')).toMatchObject({ status: 'CANCELLED', error: 'cancelled by user', updated_at: NOW.toISOString() });
    } finally {
      await gated.close();
    }
  });

  it('503 when Step Functions is down, and the record stays RUNNING', async () => {
    await h.deps.workflows.table.put(backtest('bt-sfn-down', 6, { status: 'RUNNING' }));
    h.sfn.on(StopExecutionCommand).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } }));
    const res = await h.app.inject({ method: 'DELETE', url: '/api/v1/backtests/bt-sfn-down' });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^Step Functions unavailable/);
    expect((await h.deps.workflows.get('bt-sfn-down'))?.status).toBe('RUNNING');
  });
});

describe('outages', () => {
  it('503 naming DynamoDB when the table is unreachable', async () => {
    const down = await h.outageApp({ dynamodb: true });
    for (const [method, url] of [['GET', '/api/v1/backtests'], ['GET', '/api/v1/backtests/bt-1'], ['DELETE', '/api/v1/backtests/bt-1'], ['GET', '/api/v1/backtests/bt-1/results']] as const) {
      const res = await down.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(503);
      expect(problemOf(res).detail).toMatch(/^DynamoDB unavailable/);
    }
    expect(h.sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('503 naming S3 when the results bucket is unreachable', async () => {
    await succeeded('bt-s3-down');
    const down = await h.outageApp({ s3: true });
    const res = await down.inject({ method: 'GET', url: '/api/v1/backtests/bt-s3-down/results' });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^S3 unavailable/);
  });
});
