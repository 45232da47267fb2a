import { NotFoundError, ValidationError } from '@tradai/domain';
import type { Timeframe } from '@tradai/market-data';
import { guardApiRoutes, problemResponses, requireAccess, type ServiceApp, type TokenVerifier } from '@tradai/service-runtime';
import type * as z from 'zod/mini';
import type { Job, JobQueue } from './jobs.js';
import { DEFAULT_OHLCV_LIMIT, pageWindow } from './ohlcv.js';
import { JobParams, OhlcvParams, OhlcvQuery, OhlcvResponse, SymbolsResponse, SyncBody, SyncJob } from './schemas.js';
import type { ReadStore, SeriesSyncResult, SyncRequest } from './sync.js';
import { symbolFromPath } from './symbols.js';

/** The three data-collection rows of API_ROUTES, plus the job status route a 202 answer points to. */
export const DATA_ROUTES = {
  symbols: '/api/v1/data/symbols',
  sync: '/api/v1/data/sync',
  syncJob: '/api/v1/data/sync/:jobId',
  ohlcv: '/api/v1/data/ohlcv/:symbol',
} as const;


/** Answers of the token check, declared on every guarded route (503: signing keys unreachable). */
const AUTH_PROBLEMS = [401, 403, 503] as const;

export type SyncJobs = JobQueue<SyncRequest, SeriesSyncResult[]>;

export interface DataRoutesDeps {
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframes: readonly Timeframe[];
  readonly store: ReadStore;
  readonly jobs: SyncJobs;
  /** Checks the caller's token (createTokenVerifier in @tradai/service-runtime). */
  readonly verify: TokenVerifier;
  /** How long POST /sync waits for the job before answering 202. */
  readonly syncWaitMs: number;
  readonly now?: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function jobView(job: Job<SyncRequest, SeriesSyncResult[]>): z.infer<typeof SyncJob> {
  return {
    jobId: job.id,
    status: job.status,
    statusUrl: DATA_ROUTES.syncJob.replace(':jobId', encodeURIComponent(job.id)),
    request: { symbols: [...job.request.symbols], timeframes: [...job.request.timeframes] },
    createdAt: iso(job.createdAt),
    ...(job.startedAt !== undefined ? { startedAt: iso(job.startedAt) } : {}),
    ...(job.finishedAt !== undefined ? { finishedAt: iso(job.finishedAt) } : {}),
    ...(job.result
      ? {
          results: job.result.map((r) => ({
            symbol: r.symbol,
            timeframe: r.timeframe,
            status: r.status,
            fetched: r.fetched,
            written: r.written,
            ...(r.first !== undefined ? { first: iso(r.first) } : {}),
            ...(r.last !== undefined ? { last: iso(r.last) } : {}),
            ...(r.error !== undefined ? { error: r.error } : {}),
          })),
        }
      : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}

/**
 * The data routes (API_ROUTES: GET symbols, POST sync, GET sync/{jobId}, GET ohlcv/{symbol}). Each
 * checks its API_ROUTES access row first (guardApiRoutes), before the body is parsed or validated;
 * call it inside an encapsulated scope so the hook leaves /health and /openapi.json open.
 */
export function registerDataRoutes(app: ServiceApp, deps: DataRoutesDeps): void {
  const now = deps.now ?? Date.now;
  app.addHook('onRoute', guardApiRoutes('data-collection', (route) => requireAccess(deps.verify, route.access!)));

  app.get(
    DATA_ROUTES.symbols,
    {
      schema: { summary: 'Configured symbols and timeframes with their stored ranges', tags: ['data'], response: { 200: SymbolsResponse, ...problemResponses(...AUTH_PROBLEMS) } },
    },
    async () => {
      const pairs = deps.symbols.flatMap((symbol) => deps.timeframes.map((timeframe) => ({ symbol, timeframe })));
      const series = await Promise.all(
        pairs.map(async ({ symbol, timeframe }) => {
          const c = await deps.store.coverage({ exchange: deps.exchange, symbol, timeframe });
          return { symbol, timeframe, stored: c ? { first: iso(c.first), last: iso(c.last), count: c.count } : null };
        }),
      );
      return { exchange: deps.exchange, series };
    },
  );

  app.post(
    DATA_ROUTES.sync,
    {
      schema: {
        summary: 'Sync candles from the exchange, incrementally from the last stored candle',
        description: `Answers 200 with the results when the sync finishes within ${deps.syncWaitMs} ms, else 202 with the job to poll.`,
        tags: ['data'],
        body: SyncBody,
        response: { 200: SyncJob, 202: SyncJob, ...problemResponses(400, ...AUTH_PROBLEMS) },
      },
    },
    async (req, reply) => {
      const queued = deps.jobs.submit({ symbols: req.body.symbols, timeframes: req.body.timeframes });
      const job = (await deps.jobs.wait(queued.id, deps.syncWaitMs)) ?? queued;
      const view = jobView(job);
      req.log.info({ jobId: job.id, status: job.status, symbols: req.body.symbols, timeframes: req.body.timeframes }, 'sync requested');
      if (job.finishedAt !== undefined) return reply.status(200).send(view);
      return reply.status(202).header('location', view.statusUrl).send(view);
    },
  );

  app.get(
    DATA_ROUTES.syncJob,
    {
      schema: { summary: 'Status of a sync job', tags: ['data'], params: JobParams, response: { 200: SyncJob, ...problemResponses(404, ...AUTH_PROBLEMS) } },
    },
    async (req) => {
      const job = deps.jobs.get(req.params.jobId);
      if (!job) throw new NotFoundError(`sync job ${req.params.jobId} not found (jobs live in memory until the service restarts)`);
      return jobView(job);
    },
  );

  app.get(
    DATA_ROUTES.ohlcv,
    {
      schema: {
        summary: 'Stored candles of one symbol, paged',
        description: 'Symbol as BTC-USDT or URL-encoded BTC%2FUSDT. A page holds at most `limit` candles; pass `next` as `start` for the following page.',
        tags: ['data'],
        params: OhlcvParams,
        querystring: OhlcvQuery,
        response: { 200: OhlcvResponse, ...problemResponses(400, 404, ...AUTH_PROBLEMS) },
      },
    },
    async (req) => {
      const symbol = symbolFromPath(req.params.symbol);
      if (!symbol) throw new ValidationError(`symbol "${req.params.symbol}" is not BASE-QUOTE or BASE/QUOTE`, 'params.symbol');
      const { timeframe } = req.query;
      const key = { exchange: deps.exchange, symbol, timeframe };
      const coverage = await deps.store.coverage(key);
      if (!coverage) throw new NotFoundError(`no ${timeframe} candles stored for ${deps.exchange} ${symbol}`);
      const start = req.query.start ? Date.parse(req.query.start) : coverage.first;
      const end = req.query.end ? Date.parse(req.query.end) : now();
      if (end <= start) throw new ValidationError(`end (${iso(end)}) must be after start (${iso(start)})`, 'querystring.end');
      const w = pageWindow(timeframe, start, end, req.query.limit ?? DEFAULT_OHLCV_LIMIT, coverage.last);
      const c = await deps.store.read(key, { start: w.start, end: w.end });
      return {
        exchange: deps.exchange,
        symbol,
        timeframe,
        count: c.length,
        candles: {
          timestamp: Array.from(c.timestamp),
          open: Array.from(c.open),
          high: Array.from(c.high),
          low: Array.from(c.low),
          close: Array.from(c.close),
          volume: Array.from(c.volume),
        },
        next: w.next !== undefined ? iso(w.next) : null,
      };
    },
  );
}

