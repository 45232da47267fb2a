import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthItem } from '@tradai/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextHealthState, probe, probeAll, serviceDiscoveryResolver, transitionAlert, type ProbeResult } from './health.js';

/** A fetch that answers `status` without a network (statuses a real server cannot send, like 199). */
const answering = (status: number, seen: { url?: string; init?: RequestInit }[] = []): typeof fetch =>
  (async (url: string, init?: RequestInit) => {
    seen.push({ url, init });
    return { status, arrayBuffer: async () => new ArrayBuffer(0) } as Response;
  }) as typeof fetch;
/** A clock that returns `times` in turn (the probe reads it before and after the request). */
const clock = (...times: number[]) => () => times.shift()!;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') return void res.writeHead(200).end('{"status":"ok"}');
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 500);
    res.writeHead(503).end('down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('probe', () => {
  it('is healthy on 2xx', async () => {
    const p = await probe('backend-api', `${base}/ok`, 10_000);
    expect(p).toMatchObject({ service: 'backend-api', status: 'healthy', httpStatus: 200 });
    expect(p.error).toBeUndefined();
  });

  it('is unhealthy on 5xx, naming the status and the address', async () => {
    expect(await probe('mlflow', `${base}/broken`, 10_000)).toMatchObject({ status: 'unhealthy', httpStatus: 503, error: `HTTP 503 from ${base}/broken` });
  });

  // Healthy is exactly 200..299: one step outside either end is not.
  it.each([
    { status: 199, healthy: false },
    { status: 200, healthy: true },
    { status: 204, healthy: true },
    { status: 299, healthy: true },
    { status: 300, healthy: false },
    { status: 302, healthy: false },
  ])('HTTP $status is healthy: $healthy', async ({ status, healthy }) => {
    const p = await probe('backend-api', 'http://backend-api.test/health', 1000, answering(status));
    expect(p).toMatchObject({ status: healthy ? 'healthy' : 'unhealthy', httpStatus: status });
    expect(p.error).toBe(healthy ? undefined : `HTTP ${status} from http://backend-api.test/health`);
  });

  it('asks with a GET that follows no redirect (a 3xx counts as unhealthy) and can be aborted', async () => {
    const seen: { url?: string; init?: RequestInit }[] = [];
    await probe('backend-api', 'http://backend-api.test/health', 1000, answering(200, seen));
    expect(seen).toEqual([{ url: 'http://backend-api.test/health', init: expect.objectContaining({ method: 'GET', redirect: 'manual', signal: expect.any(AbortSignal) }) }]);
  });

  it('times the probe from the clock it is given: checkedAt at the start, latency to the answer or the failure', async () => {
    const start = Date.parse('2026-03-01T12:00:00Z');
    expect(await probe('backend-api', 'http://x/health', 1000, answering(200), clock(start, start + 42))).toEqual({
      service: 'backend-api',
      url: 'http://x/health',
      status: 'healthy',
      checkedAt: '2026-03-01T12:00:00.000Z',
      latencyMs: 42,
      httpStatus: 200,
    });
    const refusing = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }) as typeof fetch;
    expect(await probe('backend-api', 'http://x/health', 1000, refusing, clock(start, start + 7))).toEqual({
      service: 'backend-api',
      url: 'http://x/health',
      status: 'unhealthy',
      checkedAt: '2026-03-01T12:00:00.000Z',
      latencyMs: 7,
      error: 'ENOTFOUND (http://x/health)',
    });
  });

  it('names the cause of a failure: its code, else its message, else the error itself', async () => {
    const failing = (err: Error): typeof fetch => (async () => Promise.reject(err)) as typeof fetch;
    expect((await probe('mlflow', 'http://m/h', 1000, failing(Object.assign(new TypeError('fetch failed'), { cause: { message: 'socket hang up' } })))).error).toBe('socket hang up (http://m/h)');
    expect((await probe('mlflow', 'http://m/h', 1000, failing(new TypeError('Invalid URL')))).error).toBe('Invalid URL (http://m/h)');
  });

  it('is unhealthy on timeout and on a refused connection, never throwing', async () => {
    expect(await probe('mlflow', `${base}/slow`, 50)).toMatchObject({ status: 'unhealthy', error: expect.stringContaining('no answer within 50 ms') });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await probe('mlflow', `http://127.0.0.1:${port}/health`, 1000)).toMatchObject({ status: 'unhealthy', error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('probeAll', () => {
  it('probes every service through the resolver, with the timeout and fetch it is given, in service order', async () => {
    const seen: { url?: string; init?: RequestInit }[] = [];
    const results = await probeAll(['backend-api', 'mlflow'], (s) => `http://${s}.test/h`, 1000, answering(200, seen));
    expect(results.map((r) => [r.service, r.url, r.status])).toEqual([
      ['backend-api', 'http://backend-api.test/h', 'healthy'],
      ['mlflow', 'http://mlflow.test/h', 'healthy'],
    ]);
    expect(seen.map((s) => s.url)).toEqual(['http://backend-api.test/h', 'http://mlflow.test/h']);
  });

  it('passes the timeout on: a service slower than it is unhealthy, the others are not held back', async () => {
    // No network: mlflow's fetch never answers and only ends when the probe's signal aborts.
    const fetchImpl = (async (url: string, init?: RequestInit) => {
      if (!url.includes('mlflow')) return { status: 200, arrayBuffer: async () => new ArrayBuffer(0) } as Response;
      return new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)));
    }) as typeof fetch;
    const results = await probeAll(['backend-api', 'mlflow'], (s) => `http://${s}.test/h`, 50, fetchImpl);
    expect(results.map((r) => [r.service, r.status])).toEqual([
      ['backend-api', 'healthy'],
      ['mlflow', 'unhealthy'],
    ]);
    expect(results[1]!.error).toBe('no answer within 50 ms (http://mlflow.test/h)');
  });
});

describe('serviceDiscoveryResolver', () => {
  it('addresses each service by Cloud Map name, port and health path', () => {
    const r = serviceDiscoveryResolver('tradai-prod.local');
    expect(r('backend-api')).toBe('http://backend-api.tradai-prod.local:8000/health');
    expect(r('mlflow')).toBe('http://mlflow.tradai-prod.local:5000/mlflow/health');
    expect(r('shadow-trading')).toBe('http://shadow-trading.tradai-prod.local:8006/health');
  });
});

const probeOf = (service: ProbeResult['service'], status: ProbeResult['status'], at = '2026-03-01T12:00:00.000Z'): ProbeResult => ({
  service,
  url: `http://x/${service}`,
  status,
  checkedAt: at,
  latencyMs: 5,
  ...(status === 'unhealthy' ? { error: 'HTTP 503' } : {}),
});
const rec = (service: string, status: HealthItem['status'], extra: Partial<HealthItem> = {}): HealthItem => ({ service, status, checked_at: '2026-03-01T11:55:00.000Z', changed_at: '2026-03-01T10:00:00.000Z', consecutive_failures: status === 'unhealthy' ? 3 : 0, ...extra });

describe('nextHealthState', () => {
  it('reports a transition only when the status changes', () => {
    const prev = new Map([
      ['backend-api', rec('backend-api', 'healthy')],
      ['mlflow', rec('mlflow', 'healthy')],
      ['data-collection', rec('data-collection', 'unhealthy')],
    ]);
    const { records, transitions } = nextHealthState(prev, [probeOf('backend-api', 'healthy'), probeOf('mlflow', 'unhealthy'), probeOf('data-collection', 'healthy')]);
    expect(transitions.map((t) => [t.service, t.from, t.to])).toEqual([
      ['mlflow', 'healthy', 'unhealthy'],
      ['data-collection', 'unhealthy', 'healthy'],
    ]);
    const by = new Map(records.map((r) => [r.service, r]));
    expect(by.get('backend-api')).toMatchObject({ changed_at: '2026-03-01T10:00:00.000Z', consecutive_failures: 0 });
    expect(by.get('mlflow')).toMatchObject({ status: 'unhealthy', changed_at: '2026-03-01T12:00:00.000Z', consecutive_failures: 1, error: 'HTTP 503' });
    expect(by.get('data-collection')).toMatchObject({ status: 'healthy', consecutive_failures: 0 });
  });

  it('counts consecutive failures while a service stays down', () => {
    const { records, transitions } = nextHealthState(new Map([['mlflow', rec('mlflow', 'unhealthy')]]), [probeOf('mlflow', 'unhealthy')]);
    expect(transitions).toEqual([]);
    expect(records[0]).toMatchObject({ consecutive_failures: 4, changed_at: '2026-03-01T10:00:00.000Z' });
  });

  it('treats a first sighting as coming from healthy: down alerts, up does not', () => {
    const { records, transitions } = nextHealthState(new Map(), [probeOf('mlflow', 'unhealthy'), probeOf('backend-api', 'healthy')]);
    expect(transitions).toEqual([{ service: 'mlflow', from: 'healthy', to: 'unhealthy', at: '2026-03-01T12:00:00.000Z', error: 'HTTP 503' }]);
    // A first record starts its own history: changed_at is now, failures count from 1.
    expect(records).toEqual([
      { service: 'mlflow', status: 'unhealthy', checked_at: '2026-03-01T12:00:00.000Z', changed_at: '2026-03-01T12:00:00.000Z', consecutive_failures: 1, latency_ms: 5, error: 'HTTP 503' },
      { service: 'backend-api', status: 'healthy', checked_at: '2026-03-01T12:00:00.000Z', changed_at: '2026-03-01T12:00:00.000Z', consecutive_failures: 0, latency_ms: 5 },
    ]);
  });

  it('keeps the HTTP status when there was one, and no error on a healthy record', () => {
    const { records, transitions } = nextHealthState(new Map([['backend-api', rec('backend-api', 'unhealthy', { error: 'HTTP 503' })]]), [{ ...probeOf('backend-api', 'healthy'), httpStatus: 200 }]);
    expect(records[0]).toEqual({ service: 'backend-api', status: 'healthy', checked_at: '2026-03-01T12:00:00.000Z', changed_at: '2026-03-01T12:00:00.000Z', consecutive_failures: 0, latency_ms: 5, http_status: 200 });
    expect(transitions).toEqual([{ service: 'backend-api', from: 'unhealthy', to: 'healthy', at: '2026-03-01T12:00:00.000Z' }]);
  });

  it('gives an older record without changed_at one, without calling it a transition', () => {
    const legacy = { ...rec('mlflow', 'healthy'), changed_at: undefined } as unknown as HealthItem;
    const { records, transitions } = nextHealthState(new Map([['mlflow', legacy]]), [probeOf('mlflow', 'healthy')]);
    expect(transitions).toEqual([]);
    expect(records[0]!.changed_at).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('transitionAlert', () => {
  it('summarises downs and recoveries; nothing without transitions', () => {
    expect(transitionAlert([], 'dev')).toBeUndefined();
    const a = transitionAlert(
      [
        { service: 'mlflow', from: 'healthy', to: 'unhealthy', at: 't', error: 'HTTP 503' },
        { service: 'backend-api', from: 'unhealthy', to: 'healthy', at: 't' },
      ],
      'prod',
    )!;
    expect(a).toEqual({ subject: '[tradai-prod] health: DOWN: mlflow; RECOVERED: backend-api', message: 'mlflow: healthy -> unhealthy at t (HTTP 503)\nbackend-api: unhealthy -> healthy at t' });
    expect(transitionAlert([{ service: 'mlflow', from: 'unhealthy', to: 'healthy', at: 't' }], 'dev')!.subject).toBe('[tradai-dev] health: RECOVERED: mlflow');
    expect(transitionAlert([{ service: 'a', from: 'healthy', to: 'unhealthy', at: 't' }, { service: 'b', from: 'healthy', to: 'unhealthy', at: 't' }], 'dev')!.subject).toBe('[tradai-dev] health: DOWN: a, b');
    expect(transitionAlert([{ service: 'a', from: 'unhealthy', to: 'healthy', at: 't' }, { service: 'b', from: 'unhealthy', to: 'healthy', at: 't' }], 'dev')!.subject).toBe('[tradai-dev] health: RECOVERED: a, b');
  });

  // "[tradai-" + env + "] health: DOWN: mlflow" is 30 characters plus the environment name; the
  // subject is kept under SNS's 100-character limit by cutting at 99.
  it.each([
    { envLength: 68, subjectLength: 98 },
    { envLength: 69, subjectLength: 99 },
    { envLength: 70, subjectLength: 99 },
  ])('cuts the subject at 99 characters (environment of $envLength -> $subjectLength)', ({ envLength, subjectLength }) => {
    const env = 'e'.repeat(envLength);
    const { subject } = transitionAlert([{ service: 'mlflow', from: 'healthy', to: 'unhealthy', at: 't' }], env)!;
    expect(subject).toBe(`[tradai-${env}] health: DOWN: mlflow`.slice(0, 99));
    expect(subject).toHaveLength(subjectLength);
  });
});
