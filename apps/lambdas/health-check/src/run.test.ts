import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SERVICE_ENDPOINTS, SERVICE_ENDPOINT_NAMES } from '@tradai/contracts';
import { Table, type HealthItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:tradai-alerts-dev';
const down = new Set<string>();
let server: Server;
let base: string;
let db: Dynalite;
let health: Table<HealthItem>;

beforeAll(async () => {
  // One local server stands in for all 7 services: /<service><healthPath> answers 503 for the "down" ones.
  server = createServer((req, res) => {
    const service = SERVICE_ENDPOINT_NAMES.find((s) => req.url === `/${s}${SERVICE_ENDPOINTS[s].healthPath}`);
    res.writeHead(service && !down.has(service) ? 200 : 503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  db = await startDynalite();
  const names = await db.createTables(['health_state']);
  health = new Table<HealthItem>(db.doc, 'health_state', names.health_state);
});
afterAll(async () => {
  await db.stop();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const deps = (): Deps => ({
  health,
  sns: new SNSClient({ region: 'us-east-1' }),
  alertsTopicArn: TOPIC,
  environment: 'dev',
  services: SERVICE_ENDPOINT_NAMES,
  resolve: (s) => `${base}/${s}${SERVICE_ENDPOINTS[s].healthPath}`,
  timeoutMs: 1000,
  fetch: globalThis.fetch,
});
const byService = async () => new Map((await health.scan()).map((r) => [r.service, r]));
const alertBody = (i = 0) => JSON.parse(sns.commandCalls(PublishCommand)[i]!.args[0].input.Message!) as Record<string, unknown>;

describe('health-check handler', () => {
  it('records all 7 services and alerts only on transitions', async () => {
    // 1: everything up, first sighting -> records, no alert.
    const first = await run({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, deps());
    expect(first.healthy).toHaveLength(7);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect((await byService()).size).toBe(7);

    // 2: mlflow goes down -> one critical alert naming it.
    down.add('mlflow');
    const second = await run({}, deps());
    expect(second.unhealthy).toEqual(['mlflow']);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: expect.stringContaining('DOWN: mlflow') });
    expect(alertBody()).toMatchObject({ type: 'health.transition', severity: 'critical', source: 'health-check' });
    expect((await byService()).get('mlflow')).toMatchObject({ status: 'unhealthy', consecutive_failures: 1, http_status: 503 });

    // 3: still down -> no new alert, failures counted.
    sns.resetHistory();
    await run({}, deps());
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect((await byService()).get('mlflow')).toMatchObject({ consecutive_failures: 2 });

    // 4: recovery -> info alert.
    down.delete('mlflow');
    await run({}, deps());
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(alertBody()).toMatchObject({ severity: 'info', subject: expect.stringContaining('RECOVERED: mlflow') });
    expect((await byService()).get('mlflow')).toMatchObject({ status: 'healthy', consecutive_failures: 0 });
  });

  it('rejects a malformed event naming the field, probing and writing nothing', async () => {
    const before = JSON.stringify([...(await byService())]);
    await expect(run({ time: 12 }, deps())).rejects.toThrow(/invalid health-check event: time:/);
    expect(JSON.stringify([...(await byService())])).toBe(before);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('writes no state when the alert cannot be published, so the next run alerts again', async () => {
    down.add('backend-api');
    sns.on(PublishCommand).rejects(new Error('AuthorizationError: not allowed'));
    await expect(run({}, deps())).rejects.toThrow(/not allowed/);
    expect((await byService()).get('backend-api')).toMatchObject({ status: 'healthy' });

    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const retry = await run({}, deps());
    expect(retry.transitions.map((t) => t.service)).toEqual(['backend-api']);
    expect((await byService()).get('backend-api')).toMatchObject({ status: 'unhealthy' });
    down.clear();
  });
});
