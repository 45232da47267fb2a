import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SERVICE_ENDPOINTS, SERVICE_ENDPOINT_NAMES } from '@tradai/contracts';
import { Table, type HealthItem } from '@tradai/domain';
import { createTableInput, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { withLogs, type LogLine } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // run.ts creates its logger at import: INFO, so the tests can read what operators read.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:tradai-alerts-dev';
/** Services the local server answers 503 for; emptied before each test. */
const down = new Set<string>();
let server: Server;
let base: string;
let db: Dynalite;
/** A health_state table of the current test's own (each test starts with no history). */
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
});
afterAll(async () => {
  await db.stop();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(async () => {
  down.clear();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  const name = `tradai-health-state-${randomUUID()}`;
  await db.client.send(new CreateTableCommand(createTableInput('health_state', name)));
  health = new Table<HealthItem>(db.doc, 'health_state', name);
});

const deps = (): Deps => ({
  health,
  sns: new SNSClient({ region: 'us-east-1' }),
  alertsTopicArn: TOPIC,
  environment: 'dev',
  services: SERVICE_ENDPOINT_NAMES,
  resolve: (s) => `${base}/${s}${SERVICE_ENDPOINTS[s].healthPath}`,
  // Generous: the local server answers at once, but a loaded test machine must not turn that into a timeout.
  timeoutMs: 10_000,
  fetch: globalThis.fetch,
});
const byService = async () => new Map((await health.scan()).map((r) => [r.service, r]));
const alertBody = (i = 0) => JSON.parse(sns.commandCalls(PublishCommand)[i]!.args[0].input.Message!) as Record<string, unknown>;

/** run() with its log lines (captured, so they also stay out of the test output). */
async function runLogged(event: unknown, d: Deps = deps()) {
  let logs: LogLine[] = [];
  const result = await withLogs(() => run(event, d), (l) => (logs = l));
  return { result, logs };
}

describe('health-check run', () => {
  it('records all 7 services on a first run when every one is up, alerting nobody', async () => {
    const { result, logs } = await runLogged({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(result).toEqual({ healthy: [...SERVICE_ENDPOINT_NAMES], unhealthy: [], transitions: [], alerted: false });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(logs).toEqual([]);
    const records = await byService();
    expect([...records.keys()].sort()).toEqual([...SERVICE_ENDPOINT_NAMES].sort());
    expect(records.get('backend-api')).toMatchObject({ status: 'healthy', consecutive_failures: 0, http_status: 200 });
  });

  it('alerts once, critical, when a service goes down; counts failures while it stays down; alerts info on recovery', async () => {
    await runLogged({});

    down.add('mlflow');
    const second = await runLogged({});
    expect(second.result).toMatchObject({ unhealthy: ['mlflow'], alerted: true });
    expect(second.result.healthy).toHaveLength(6);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: '[tradai-dev] health: DOWN: mlflow' });
    const t = second.result.transitions[0]!;
    expect(alertBody()).toEqual({
      type: 'health.transition',
      severity: 'critical',
      source: 'health-check',
      subject: '[tradai-dev] health: DOWN: mlflow',
      message: `mlflow: healthy -> unhealthy at ${t.at} (${t.error})`,
      occurredAt: t.at,
      dedupKey: `health-check:mlflow=unhealthy:${t.at}`,
      details: { transitions: [{ service: 'mlflow', from: 'healthy', to: 'unhealthy', at: t.at, error: `HTTP 503 from ${base}/mlflow/mlflow/health` }] },
    });
    expect(second.logs).toEqual([expect.objectContaining({ level: 'WARN', service: 'health-check', message: 'health transitions', transitions: second.result.transitions })]);
    expect((await byService()).get('mlflow')).toMatchObject({ status: 'unhealthy', consecutive_failures: 1, http_status: 503 });

    sns.resetHistory();
    const third = await runLogged({});
    expect(third.result.alerted).toBe(false);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect((await byService()).get('mlflow')).toMatchObject({ consecutive_failures: 2, changed_at: t.at });

    down.delete('mlflow');
    await runLogged({});
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(alertBody()).toMatchObject({ severity: 'info', subject: '[tradai-dev] health: RECOVERED: mlflow', dedupKey: expect.stringMatching(/^health-check:mlflow=healthy:/) });
    expect((await byService()).get('mlflow')).toMatchObject({ status: 'healthy', consecutive_failures: 0 });
  });

  it('one alert for several transitions: critical when any service went down, even beside a recovery', async () => {
    down.add('backend-api');
    await runLogged({});
    sns.resetHistory();
    down.clear();
    down.add('mlflow');
    const { result } = await runLogged({});
    expect(result.transitions.map((t) => [t.service, t.to])).toEqual([
      ['backend-api', 'healthy'],
      ['mlflow', 'unhealthy'],
    ]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(alertBody()).toMatchObject({ severity: 'critical', subject: '[tradai-dev] health: DOWN: mlflow; RECOVERED: backend-api', occurredAt: result.transitions[0]!.at });
    expect(alertBody().dedupKey).toBe(`health-check:backend-api=healthy,mlflow=unhealthy:${result.transitions[0]!.at}`);
  });

  it('rejects a malformed event naming the field, probing and writing nothing', async () => {
    await expect(runLogged({ time: 12 })).rejects.toThrow(/^invalid health-check event: time:/);
    expect((await byService()).size).toBe(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('writes no state when the alert cannot be published, so the next run alerts again', async () => {
    await runLogged({});
    down.add('backend-api');
    sns.on(PublishCommand).rejects(new Error('AuthorizationError: not allowed'));
    await expect(runLogged({})).rejects.toThrow(/not allowed/);
    expect((await byService()).get('backend-api')).toMatchObject({ status: 'healthy' });

    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const retry = await runLogged({});
    expect(retry.result.transitions.map((t) => t.service)).toEqual(['backend-api']);
    expect((await byService()).get('backend-api')).toMatchObject({ status: 'unhealthy' });
  });

  it('probes only the services it is given, within its timeout', async () => {
    const { result } = await runLogged({}, { ...deps(), services: ['mlflow'], resolve: () => 'http://127.0.0.1:9/never', timeoutMs: 200 });
    expect(result).toMatchObject({ healthy: [], unhealthy: ['mlflow'] });
    expect([...(await byService()).keys()]).toEqual(['mlflow']);
  });
});
