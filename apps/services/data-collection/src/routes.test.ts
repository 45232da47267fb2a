import { API_ROUTES, API_SCOPES, type ApiScope } from '@tradai/contracts';
import { TIMEFRAME_MS, type CandleColumns, type SeriesKey, type TimeRange } from '@tradai/market-data';
import { createTokenVerifier, logCapture, OPENAPI_PATH, serviceConfig, startLocalIdp, type LocalIdp, type ServiceApp, type TokenVerifier } from '@tradai/service-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createSyncJobs, type ReadStore, type SeriesSyncResult, type SyncRequest } from './sync.js';

const H = TIMEFRAME_MS['1h'];
const T0 = Date.UTC(2024, 0, 1);

/** In-memory store: hourly candles with close = index, for symbols given at construction. */
function memoryStore(series: Record<string, { first: number; count: number }>): ReadStore & { reads: TimeRange[] } {
  const reads: TimeRange[] = [];
  const rows = (key: SeriesKey) => {
    const s = series[`${key.symbol} ${key.timeframe}`];
    return s ? Array.from({ length: s.count }, (_, i) => s.first + i * TIMEFRAME_MS[key.timeframe]) : [];
  };
  return {
    reads,
    async coverage(key) {
      const t = rows(key);
      return t.length ? { first: t[0]!, last: t.at(-1)!, count: t.length } : undefined;
    },
    async read(key, range): Promise<CandleColumns> {
      reads.push(range);
      const t = rows(key).filter((x) => x >= range.start && x < range.end);
      const col = (f: (x: number) => number) => Float64Array.from(t, f);
      return { length: t.length, timestamp: col((x) => x), open: col(() => 1), high: col(() => 2), low: col(() => 0.5), close: col((x) => (x - T0) / H), volume: col(() => 10) };
    },
  };
}

/** A sync runner the test releases by hand; records the requests it got. */
function gatedRunner() {
  const requests: SyncRequest[] = [];
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return {
    requests,
    release: () => open(),
    runner: async (req: SyncRequest, signal: AbortSignal): Promise<SeriesSyncResult[]> => {
      requests.push(req);
      await Promise.race([gate, new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))]);
      return req.symbols.flatMap((symbol) =>
        req.timeframes.map((timeframe) =>
          symbol === 'NOPE/USDT'
            ? { symbol, timeframe, status: 'failed' as const, fetched: 0, written: 0, error: 'binance NOPE/USDT 1h: unknown symbol' }
            : { symbol, timeframe, status: 'ok' as const, fetched: 24, written: 24, first: T0, last: T0 + 23 * H },
        ),
      );
    },
  };
}

let idp: LocalIdp;
let verify: TokenVerifier;
beforeAll(async () => {
  idp = await startLocalIdp();
  verify = createTokenVerifier(idp.config);
});
afterAll(async () => idp?.stop());

let app: ServiceApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const bearer = (token: string) => `Bearer ${token}`;
const viewer = () => bearer(idp.userToken(['viewer']));
const trader = () => bearer(idp.userToken(['trader']));

/** `app.inject` with `auth` as the Authorization header: a trader's token unless given, none when ''. */
function call(a: ServiceApp, opts: string | { method?: 'GET' | 'POST'; url: string; payload?: object }, auth: string = trader()) {
  const o = typeof opts === 'string' ? { url: opts } : opts;
  return a.inject({ ...o, headers: auth ? { authorization: auth } : {} });
}

/** The service clock of start(): routes and jobs read it. */
const NOW = T0 + 1000 * H;

async function start(opts: { syncWaitMs?: number; released?: boolean; runner?: (req: SyncRequest, signal: AbortSignal) => Promise<SeriesSyncResult[]> } = {}) {
  const store = memoryStore({ 'BTC/USDT 1h': { first: T0, count: 48 } });
  const gated = gatedRunner();
  if (opts.released) gated.release();
  let id = 0;
  const logs = logCapture();
  const jobs = createSyncJobs(opts.runner ?? gated.runner, { newId: () => `job-${++id}`, now: () => NOW });
  app = await buildApp({
    config: { service: serviceConfig('data-collection', {}), exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '1d'], syncWaitMs: opts.syncWaitMs ?? 200 },
    store,
    jobs,
    verify,
    logStream: logs.stream,
    now: () => NOW,
  });
  return { app, store, gated, logs, jobs };
}

describe('GET /api/v1/data/symbols', () => {
  it('lists each configured symbol x timeframe with its stored range', async () => {
    const { app, logs } = await start();
    const res = await call(app, '/api/v1/data/symbols');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      exchange: 'binance',
      series: [
        { symbol: 'BTC/USDT', timeframe: '1h', stored: { first: '2024-01-01T00:00:00.000Z', last: '2024-01-02T23:00:00.000Z', count: 48 } },
        { symbol: 'BTC/USDT', timeframe: '1d', stored: null },
        { symbol: 'ETH/USDT', timeframe: '1h', stored: null },
        { symbol: 'ETH/USDT', timeframe: '1d', stored: null },
      ],
    });
    expect(logs.lines().find((l) => l.msg === 'request completed')).toMatchObject({ service: 'data-collection', reqId: res.headers['x-request-id'] });
  });
});

describe('POST /api/v1/data/sync', () => {
  it('answers 200 with the results when the sync finishes within the budget', async () => {
    const { app, gated } = await start({ released: true });
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } });
    expect(res.statusCode).toBe(200);
    expect(gated.requests).toEqual([{ symbols: ['BTC/USDT'], timeframes: ['1h'] }]);
    expect(res.json()).toMatchObject({
      jobId: 'job-1',
      status: 'succeeded',
      statusUrl: '/api/v1/data/sync/job-1',
      results: [{ symbol: 'BTC/USDT', timeframe: '1h', status: 'ok', fetched: 24, written: 24, first: '2024-01-01T00:00:00.000Z', last: '2024-01-01T23:00:00.000Z' }],
    });
  });

  it('answers 202 with a job to poll when the sync outlasts the budget, and the job finishes later', async () => {
    const { app, gated } = await start({ syncWaitMs: 10 });
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT', 'NOPE/USDT'], timeframes: ['1h'] } });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe('/api/v1/data/sync/job-1');
    expect(res.json()).toMatchObject({ jobId: 'job-1', status: 'running' });
    expect((await call(app, '/api/v1/data/sync/job-1')).json()).toMatchObject({ status: 'running' });

    gated.release();
    await expect.poll(async () => (await call(app, '/api/v1/data/sync/job-1')).json().status).toBe('failed');
    const done = (await call(app, '/api/v1/data/sync/job-1')).json();
    expect(done.results.map((r: { symbol: string; status: string }) => `${r.symbol}:${r.status}`)).toEqual(['BTC/USDT:ok', 'NOPE/USDT:failed']);
    expect(done.results[1].error).toContain('unknown symbol');
  });

  it('queues a second sync behind the running one', async () => {
    const { app, gated } = await start({ syncWaitMs: 10 });
    await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } });
    const second = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['ETH/USDT'], timeframes: ['1d'] } });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ jobId: 'job-2', status: 'queued' });
    expect(gated.requests).toHaveLength(1);
    gated.release();
    await expect.poll(async () => (await call(app, '/api/v1/data/sync/job-2')).json().status).toBe('succeeded');
  });

  it.each([
    [{ symbols: 'BTC/USDT', timeframes: ['1h'] }, 'body.symbols'],
    [{ symbols: [], timeframes: ['1h'] }, 'body.symbols'],
    [{ symbols: ['btcusdt'], timeframes: ['1h'] }, 'body.symbols.0'],
    [{ symbols: ['BTC/USDT'], timeframes: ['2h'] }, 'body.timeframes.0'],
    [{ symbols: ['BTC/USDT'] }, 'body.timeframes'],
  ])('rejects %o with 400 naming %s, and starts nothing', async (payload, path) => {
    const { app, gated } = await start();
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(gated.requests).toEqual([]);
  });

  it('answers 404 as a problem for an unknown job', async () => {
    const { app } = await start();
    const res = await call(app, '/api/v1/data/sync/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, detail: expect.stringContaining('sync job nope not found') });
  });

  it('aborts a running sync on shutdown, so close does not wait for the exchange', async () => {
    const started = await start({ syncWaitMs: 10 });
    await call(started.app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } });
    await call(started.app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['ETH/USDT'], timeframes: ['1h'] } });
    await started.app.close();
    app = undefined;
    expect(started.jobs.get('job-1')).toMatchObject({ status: 'failed', error: 'aborted' });
    expect(started.jobs.get('job-2')).toMatchObject({ status: 'failed', error: 'service shut down before the job started' });
    expect(started.gated.requests).toHaveLength(1);
  });
});

describe('sync job view', () => {
  it('shows the request, the times and the results of a finished job, and logs the request', async () => {
    const { app, logs } = await start({ released: true });
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '1d'] } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      request: { symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '1d'] },
      createdAt: '2024-02-11T16:00:00.000Z',
      startedAt: '2024-02-11T16:00:00.000Z',
      finishedAt: '2024-02-11T16:00:00.000Z',
    });
    expect(body.results).toHaveLength(4);
    expect('error' in body).toBe(false);
    expect('error' in body.results[0]).toBe(false);
    expect(logs.lines().find((l) => l.msg === 'sync requested')).toMatchObject({ jobId: 'job-1', status: 'succeeded', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h', '1d'] });
  });

  it('shows a queued job without start or finish times', async () => {
    const { app } = await start({ syncWaitMs: 10 });
    await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } });
    const second = (await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['ETH/USDT'], timeframes: ['1d'] } })).json();
    expect(second).toMatchObject({ status: 'queued', request: { symbols: ['ETH/USDT'], timeframes: ['1d'] }, createdAt: '2024-02-11T16:00:00.000Z' });
    expect('startedAt' in second).toBe(false);
    expect('finishedAt' in second).toBe(false);
    expect('results' in second).toBe(false);
  });

  it('shows why a sync that threw failed', async () => {
    const { app } = await start({
      runner: async () => {
        throw new Error('store unreachable');
      },
    });
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'failed', error: 'store unreachable' });
    expect('results' in res.json()).toBe(false);
    expect((await call(app, '/api/v1/data/sync/job-1')).json()).toMatchObject({ status: 'failed', error: 'store unreachable' });
  });
});

describe('GET /api/v1/data/ohlcv/{symbol}', () => {
  it('accepts BTC-USDT and BTC%2FUSDT and returns columns', async () => {
    const { app } = await start();
    for (const path of ['BTC-USDT', 'BTC%2FUSDT', 'btc-usdt']) {
      const res = await call(app, `/api/v1/data/ohlcv/${path}?timeframe=1h&start=2024-01-01T10:00:00Z&end=2024-01-01T13:00:00Z`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1h',
        count: 3,
        candles: { timestamp: [T0 + 10 * H, T0 + 11 * H, T0 + 12 * H], open: [1, 1, 1], high: [2, 2, 2], low: [0.5, 0.5, 0.5], close: [10, 11, 12], volume: [10, 10, 10] },
        next: null,
      });
    }
  });

  it('pages with limit: next is the start of the following page, null on the last', async () => {
    const { app } = await start();
    const seen: number[] = [];
    let url: string | null = '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&limit=20';
    let pages = 0;
    while (url) {
      const body: { candles: { close: number[] }; next: string | null } = (await call(app, url)).json();
      seen.push(...body.candles.close);
      pages++;
      url = body.next ? `/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&limit=20&start=${body.next}` : null;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 48 }, (_, i) => i));
  });

  it('names the bad field: symbol, timeframe, start, limit, end before start', async () => {
    const { app } = await start();
    const problem = async (url: string) => {
      const res = await call(app, url);
      expect(res.statusCode).toBe(400);
      return res.json();
    };
    expect((await problem('/api/v1/data/ohlcv/BTCUSDT?timeframe=1h')).errors[0].path).toBe('params.symbol');
    expect((await problem('/api/v1/data/ohlcv/BTC-USDT?timeframe=2h')).errors[0].path).toBe('querystring.timeframe');
    expect((await problem('/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=yesterday')).errors[0].path).toBe('querystring.start');
    expect((await problem('/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&limit=5001')).errors[0].path).toBe('querystring.limit');
    expect((await problem('/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=2024-01-02&end=2024-01-01')).errors[0].path).toBe('querystring.end');
  });

  it('explains the bad field in the problem', async () => {
    const { app } = await start();
    const bad = (await call(app, '/api/v1/data/ohlcv/BTCUSDT?timeframe=1h')).json();
    expect(bad.errors[0]).toMatchObject({ path: 'params.symbol', message: 'symbol "BTCUSDT" is not BASE-QUOTE or BASE/QUOTE' });
    const start_ = (await call(app, '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=yesterday')).json();
    expect(start_.errors[0].message).toBe('must be an ISO date (2024-01-01) or date-time (2024-01-01T00:00:00Z)');
  });

  it('needs end strictly after start: equal is 400, one candle later is one candle', async () => {
    const { app } = await start();
    const same = await call(app, '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=2024-01-01T10:00:00Z&end=2024-01-01T10:00:00Z');
    expect(same.statusCode).toBe(400);
    expect(same.json().errors[0]).toMatchObject({ path: 'querystring.end', message: 'end (2024-01-01T10:00:00.000Z) must be after start (2024-01-01T10:00:00.000Z)' });
    const one = await call(app, '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=2024-01-01T10:00:00Z&end=2024-01-01T11:00:00Z');
    expect(one.statusCode).toBe(200);
    expect(one.json().candles.close).toEqual([10]);
  });

  it('ends at the service clock when no end is given', async () => {
    const { app } = await start();
    // NOW is 2024-02-11T16:00Z: a start after it leaves nothing to read.
    const res = await call(app, '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h&start=2024-03-01');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toBe('end (2024-02-11T16:00:00.000Z) must be after start (2024-03-01T00:00:00.000Z)');
  });

  it('answers 404 when nothing is stored for the series', async () => {
    const { app } = await start();
    const res = await call(app, '/api/v1/data/ohlcv/ETH-USDT?timeframe=1h');
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toBe('no 1h candles stored for binance ETH/USDT');
  });
});

describe('token check (API_ROUTES access rows)', () => {
  const ROUTES = [
    { method: 'GET', url: '/api/v1/data/symbols' },
    { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } },
    { method: 'GET', url: '/api/v1/data/sync/job-1' },
    { method: 'GET', url: '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h' },
  ] as const;
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => ({
    status: res.statusCode,
    type: res.headers['content-type'],
    body: res.json() as { status: number; detail: string },
  });

  it.each(ROUTES)('$method $url without a token: 401 problem with WWW-Authenticate, nothing runs', async (route) => {
    const { app, gated, store } = await start({ released: true });
    const res = await call(app, route, '');
    expect(problem(res)).toMatchObject({ status: 401, type: expect.stringMatching(/application\/problem\+json/), body: { status: 401, detail: expect.stringContaining('missing bearer token') } });
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(gated.requests).toEqual([]);
    expect(store.reads).toEqual([]);
  });

  it('checks the token before the body: no token and a bad body is 401, not 400', async () => {
    const { app } = await start();
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: 'nope' } }, '');
    expect(res.statusCode).toBe(401);
  });

  it('answers 401 for a bad token: garbage, another issuer, expired, an ID token', async () => {
    const other = await startLocalIdp();
    try {
      const { app } = await start();
      const now = Math.floor(Date.now() / 1000);
      for (const auth of [
        'Bearer not.a.jwt',
        bearer(other.userToken(['admin'])),
        bearer(idp.userToken(['admin'], { exp: now - 600, iat: now - 4200 })),
        bearer(idp.userToken(['admin'], { token_use: 'id' })),
      ]) {
        const res = await call(app, '/api/v1/data/symbols', auth);
        expect(problem(res)).toMatchObject({ status: 401, type: expect.stringMatching(/application\/problem\+json/), body: { status: 401 } });
        expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      }
    } finally {
      await other.stop();
    }
  });

  it('answers 403 to a viewer on POST /sync and starts nothing', async () => {
    const { app, gated } = await start({ released: true });
    const res = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } }, viewer());
    expect(problem(res)).toMatchObject({ status: 403, type: expect.stringMatching(/application\/problem\+json/), body: { detail: 'forbidden: the user must be in one of the groups trader, admin' } });
    expect(gated.requests).toEqual([]);
  });

  // The matrix's M2M scope per data route (data-collection-trigger syncs with data.write); none for the market-data reads.
  const M2M_SCOPE: Record<(typeof ROUTES)[number]['url'], ApiScope | undefined> = {
    '/api/v1/data/symbols': undefined,
    '/api/v1/data/sync': 'data.write',
    '/api/v1/data/sync/job-1': 'data.read',
    '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h': undefined,
  };

  it.each(ROUTES)('$method $url: an M2M token needs the route\'s scope; every other API scope is 403', async (route) => {
    const { app, gated } = await start({ released: true });
    const wanted = M2M_SCOPE[route.url];
    const res = await call(app, route, bearer(idp.m2mToken(API_SCOPES.filter((s) => s !== wanted))));
    const detail = wanted ? `forbidden: the token needs one of the scopes tradai-api/${wanted}` : 'forbidden: this route is for users, not client-credentials tokens';
    expect(problem(res)).toMatchObject({ status: 403, body: { detail } });
    expect(gated.requests).toEqual([]);
  });

  it('lets the M2M client with data.write start a sync (data-collection-trigger), and with data.read follow it', async () => {
    const { app, gated } = await start({ released: true });
    const synced = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } }, bearer(idp.m2mToken(['data.write'])));
    expect(synced.statusCode).toBe(200);
    expect(gated.requests).toEqual([{ symbols: ['BTC/USDT'], timeframes: ['1h'] }]);
    expect((await call(app, '/api/v1/data/sync/job-1', bearer(idp.m2mToken(['data.read'])))).json()).toMatchObject({ jobId: 'job-1', status: 'succeeded' });
    // data.write does not imply data.read: scopes have no hierarchy either.
    expect((await call(app, '/api/v1/data/sync/job-1', bearer(idp.m2mToken(['data.write'])))).statusCode).toBe(403);
  });

  it('answers 403 to a user in no group', async () => {
    const { app } = await start();
    expect((await call(app, '/api/v1/data/symbols', bearer(idp.userToken([])))).statusCode).toBe(403);
  });

  it('lets readers read and traders/admins sync', async () => {
    const { app } = await start({ released: true });
    for (const group of ['viewer', 'trader', 'admin']) {
      expect((await call(app, '/api/v1/data/symbols', bearer(idp.userToken([group])))).statusCode).toBe(200);
      expect((await call(app, '/api/v1/data/ohlcv/BTC-USDT?timeframe=1h', bearer(idp.userToken([group])))).statusCode).toBe(200);
    }
    const synced = await call(app, { method: 'POST', url: '/api/v1/data/sync', payload: { symbols: ['BTC/USDT'], timeframes: ['1h'] } }, bearer(idp.userToken(['admin'])));
    expect(synced.statusCode).toBe(200);
    expect((await call(app, '/api/v1/data/sync/job-1', viewer())).json()).toMatchObject({ jobId: 'job-1', status: 'succeeded' });
  });

  it('keeps the probe and the OpenAPI document public', async () => {
    const { app } = await start();
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await app.inject(OPENAPI_PATH)).statusCode).toBe(200);
  });
});

describe('OpenAPI document', () => {
  it('agrees with API_ROUTES: every data-collection route is served, and nothing public is served that the table lacks', async () => {
    const { app } = await start();
    const doc = (await app.inject(OPENAPI_PATH)).json();
    const served = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const table = API_ROUTES.filter((r) => r.target === 'data-collection').map((r) => `${r.method} ${r.path}`);
    expect(served).toEqual(expect.arrayContaining(table));
    // The probe path is the only served route the table does not list (the ALB health check, not an API route).
    expect(served.filter((s) => !table.includes(s)).sort()).toEqual(['GET /health']);
  });

  it('lists the data routes with their schemas', async () => {
    const { app } = await start();
    const doc = (await app.inject(OPENAPI_PATH)).json();
    expect(doc.info.title).toBe('data-collection');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/data/ohlcv/{symbol}', '/api/v1/data/symbols', '/api/v1/data/sync', '/api/v1/data/sync/{jobId}', '/health']);
    const sync = doc.paths['/api/v1/data/sync'].post;
    expect(sync.requestBody.content['application/json'].schema.required).toEqual(['symbols', 'timeframes']);
    expect(Object.keys(sync.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '403']));
    const ohlcv = doc.paths['/api/v1/data/ohlcv/{symbol}'].get;
    expect(doc.info.description).toBeTruthy();
    const ops = {
      'GET /api/v1/data/symbols': ['200', '401', '403', '503'],
      'POST /api/v1/data/sync': ['200', '202', '400', '401', '403', '503'],
      'GET /api/v1/data/sync/{jobId}': ['200', '401', '403', '404', '503'],
      'GET /api/v1/data/ohlcv/{symbol}': ['200', '400', '401', '403', '404', '503'],
    };
    for (const [op, codes] of Object.entries(ops)) {
      const [method, path] = op.split(' ') as [string, string];
      const o = doc.paths[path][method.toLowerCase()];
      expect(o.tags, op).toEqual(['data']);
      expect(o.summary, op).toBeTruthy();
      expect(Object.keys(o.responses).sort(), op).toEqual(codes);
    }
    expect(sync.description).toContain('200');
    expect(ohlcv.description).toContain('BTC-USDT');
    expect(ohlcv.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:symbol', 'query:end', 'query:limit', 'query:start', 'query:timeframe']);
  });
});
