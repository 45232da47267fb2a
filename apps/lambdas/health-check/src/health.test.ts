import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthItem } from '@tradai/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextHealthState, probe, serviceDiscoveryResolver, transitionAlert, type ProbeResult } from './health.js';

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
    const p = await probe('backend-api', `${base}/ok`, 1000);
    expect(p).toMatchObject({ service: 'backend-api', status: 'healthy', httpStatus: 200 });
    expect(p.error).toBeUndefined();
  });

  it('is unhealthy on 5xx, naming the status', async () => {
    expect(await probe('mlflow', `${base}/broken`, 1000)).toMatchObject({ status: 'unhealthy', httpStatus: 503, error: expect.stringContaining('HTTP 503') });
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
    const { transitions } = nextHealthState(new Map(), [probeOf('mlflow', 'unhealthy'), probeOf('backend-api', 'healthy')]);
    expect(transitions.map((t) => t.service)).toEqual(['mlflow']);
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
    expect(a.subject).toBe('[tradai-prod] health: DOWN: mlflow; RECOVERED: backend-api');
    expect(a.message).toContain('mlflow: healthy -> unhealthy at t (HTTP 503)');
    expect(a.subject.length).toBeLessThan(100);
  });
});
