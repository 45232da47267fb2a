/**
 * The platform end to end, through HTTP only, as a client would: `main.ts` started as its own
 * process (services as processes behind the gateway), tokens from what it prints and from its
 * /oauth2/token endpoint, results read through the API and the presigned result-file link. Nothing
 * here reads a table or imports a handler. Ctrl-C at the end must leave no process behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeBacktestMetrics, type BacktestResultFile } from '@tradai/domain';
import { findWorkspaceRoot } from '@tradai/infra-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, clientToken, pollBacktest, servePlatform, TERMINAL, type BacktestStatus, type ServedPlatform } from './client.js';

/** What the tests read of the queued answer (SQS's, passed through) and of the results view. */
interface Queued {
  readonly SendMessageResponse: { readonly SendMessageResult: { readonly MessageId: string } };
}
interface Results {
  readonly resultFile: { readonly url: string };
  readonly report: { readonly url: string };
  readonly metrics: { readonly trade_count: number };
}

const root = findWorkspaceRoot(process.cwd());
const run = Date.now().toString(36);
let p: ServedPlatform;
let token: string;
let sessionDir: string;

/** A backtest request over the sample store (2024, hourly). */
const backtest = (requestId: string, extra: Record<string, unknown> = {}) => ({
  requestId,
  strategy: 'ma-crossover',
  symbols: ['BTC/USDT'],
  timeframe: '1h',
  startDate: '2024-02-01T00:00:00Z',
  endDate: '2024-07-01T00:00:00Z',
  ...extra,
});

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  sessionDir = mkdtempSync(join(tmpdir(), 'platform-e2e-'));
  p = await servePlatform({ logDir: join(sessionDir, 'logs') });
  token = p.userToken;
}, 320_000);

// Ctrl-C is the end of every session, whichever cases ran and in whatever order: the shutdown is
// checked here, after the last case, rather than by a case that would stop the platform under the
// cases shuffled after it. A failed check fails the file.
afterAll(async () => {
  if (!p) return;
  // Observe first, then always stop: a failed check must not leave the platform running.
  const pids = Object.values(p.pids);
  const aliveBefore = pids.filter(pidAlive);
  const sessionEnv = existsSync(join(sessionDir, 'session.env')) ? readFileSync(join(sessionDir, 'session.env'), 'utf8') : '';
  const code = p.child.exitCode === null ? await p.interrupt() : `exited early with ${p.child.exitCode}`;
  expect(pids, 'service processes').toHaveLength(3);
  expect(aliveBefore, 'service processes alive before Ctrl-C').toEqual(pids);
  expect(sessionEnv).toContain(`export TOKEN=${p.userToken}`);
  // Ctrl-C: exit 0, the session file removed, no service process left, ports free.
  expect(code, 'exit code after Ctrl-C').toBe(0);
  expect(existsSync(join(sessionDir, 'session.env')), 'session.env left behind').toBe(false);
  expect(pids.filter(pidAlive), 'service processes left after Ctrl-C').toEqual([]);
  for (const port of p.ports) await expect(fetch(`http://127.0.0.1:${port}/health`), `port ${port} still answers`).rejects.toThrow();
}, 90_000);

describe('platform:serve through HTTP', () => {
  it('turns away a request without a token (401) and a token without the scope (403)', async () => {
    expect((await api(p.url, 'GET', '/api/v1/backtests')).status).toBe(401);
    expect((await api(p.url, 'POST', '/api/v1/backtests', { body: backtest(`noauth-${run}`) })).status).toBe(401);
    expect((await api(p.url, 'GET', '/api/v1/backtests', { token: 'not.a.jwt' })).status).toBe(401);
    const readOnly = await clientToken(p.url, p.m2mClient, ['tradai-api/backtests.read']);
    // The gateway's JWT authorizer: the route wants backtests.write.
    expect(await api(p.url, 'POST', '/api/v1/backtests', { token: readOnly, body: backtest(`noscope-${run}`) })).toEqual({ status: 403, body: { message: 'Forbidden' } });
    // Behind the gateway the service checks again: reading is allowed, cancelling is not.
    expect((await api(p.url, 'GET', '/api/v1/backtests', { token: readOnly })).status).toBe(200);
    expect((await api(p.url, 'DELETE', `/api/v1/backtests/bt-noscope-${run}`, { token: readOnly })).status).toBe(403);
  });

  it('answers a malformed request with 400 naming the field', async () => {
    const list = await api(p.url, 'GET', '/api/v1/backtests?limit=0', { token });
    expect(list.status).toBe(400);
    expect(JSON.stringify(list.body)).toMatch(/limit/);
    const config = await api(p.url, 'PUT', '/api/v1/strategies/ma-crossover/config', { token, body: { parameters: {}, exchange: 'Not An Exchange!' } });
    expect(config.status).toBe(400);
    expect(JSON.stringify(config.body)).toMatch(/exchange/);
  });

  it('runs a backtest to SUCCEEDED with the numbers of the local CLI', async () => {
    const id = `bt-happy-${run}`;
    const posted = await api<Queued>(p.url, 'POST', '/api/v1/backtests', { token, body: backtest(`happy-${run}`) });
    expect(posted.status).toBe(200);
    expect(posted.body.SendMessageResponse.SendMessageResult.MessageId).toEqual(expect.any(String));

    const done = await pollBacktest(p.url, token, id, (s) => TERMINAL.includes(s));
    expect(done).toMatchObject({ id, status: 'SUCCEEDED', strategy: 'ma-crossover' });
    const results = await api<Results>(p.url, 'GET', `/api/v1/backtests/${id}/results`, { token });
    expect(results.status).toBe(200);
    const served = (await (await fetch(results.body.resultFile.url)).json()) as BacktestResultFile;
    // The HTML report the task wrote beside it, through its own presigned link.
    const report = await fetch(results.body.report.url);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('ma-crossover · 1h · BTC/USDT');

    // The same backtest with the local CLI, on the same candles (the sample store).
    const out = join(mkdtempSync(join(tmpdir(), 'platform-cli-')), 'result.json');
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'libs/strategy-sdk/src/cli/backtest.ts'), '--strategy=ma-crossover', '--symbols=BTC/USDT', '--timeframe=1h', '--start=2024-02-01T00:00:00Z', '--end=2024-07-01T00:00:00Z', `--out=${out}`],
      { cwd: root, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const local = JSON.parse(readFileSync(out, 'utf8')) as BacktestResultFile;
    expect(served).toEqual(local);
    const expected = computeBacktestMetrics({
      timeframe: local.timeframe,
      startingBalance: local.startingBalance,
      timestamps: local.equityCurve.map((e) => Date.parse(e.timestamp)),
      equity: local.equityCurve.map((e) => e.equity),
      trades: local.trades.map((t) => ({ profitAbs: t.profitAbs, openedAt: Date.parse(t.openedAt), closedAt: Date.parse(t.closedAt) })),
    });
    expect(results.body.metrics).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(results.body.metrics.trade_count).toBe(local.trades.length);
  }, 150_000);

  it('cancels a long backtest: CANCELLED, and it stays so', async () => {
    const id = `bt-long-${run}`;
    const long = backtest(`long-${run}`, { strategy: 'ml-classifier', symbols: ['BTC/USDT', 'ETH/USDT'], startDate: '2024-04-01T00:00:00Z', endDate: '2024-12-31T00:00:00Z' });
    expect((await api(p.url, 'POST', '/api/v1/backtests', { token, body: long })).status).toBe(200);
    await pollBacktest(p.url, token, id, (s) => s !== 'QUEUED', 60_000, 100);
    const cancelled = await api<BacktestStatus>(p.url, 'DELETE', `/api/v1/backtests/${id}`, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 3_000));
    const later = await api(p.url, 'GET', `/api/v1/backtests/${id}`, { token });
    expect(later.body).toMatchObject({ status: 'CANCELLED', updatedAt: cancelled.body.updatedAt });
    expect((await api(p.url, 'GET', `/api/v1/backtests/${id}/results`, { token })).status).toBe(409);
  }, 120_000);

  it('runs one workflow for the same requestId sent twice', async () => {
    const body = backtest(`twice-${run}`, { endDate: '2024-03-01T00:00:00Z' });
    const id = `bt-twice-${run}`;
    const [a, b] = await Promise.all([api<Queued>(p.url, 'POST', '/api/v1/backtests', { token, body }), api<Queued>(p.url, 'POST', '/api/v1/backtests', { token, body })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.SendMessageResponse.SendMessageResult.MessageId).not.toBe(b.body.SendMessageResponse.SendMessageResult.MessageId);
    const done = await pollBacktest(p.url, token, id, (s) => TERMINAL.includes(s));
    expect(done.status).toBe('SUCCEEDED');
    // Once more after it finished: a second workflow would move the record again.
    expect((await api(p.url, 'POST', '/api/v1/backtests', { token, body })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    const list = await api<{ items: { id: string; request?: { requestId?: string } }[] }>(p.url, 'GET', '/api/v1/backtests?strategy=ma-crossover&limit=100', { token });
    const mine = list.body.items.filter((i) => i.request?.requestId === `twice-${run}`);
    expect(mine.map((i) => i.id)).toEqual([id]);
    expect((await api(p.url, 'GET', `/api/v1/backtests/${id}`, { token })).body).toEqual(done);
  }, 150_000);
});
