import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlflowClient } from '@tradai/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { modelDistributions } from './mlflow.js';

/** A local MLflow answering the three calls drift-monitor makes. */
let server: Server;
let base: string;
const searches: unknown[] = [];
let monitoringRuns: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/mlflow/api/2.0/mlflow/model-versions/get') {
      if (url.searchParams.get('name') === 'momentum' && url.searchParams.get('version') === '3') return send(200, { model_version: { name: 'momentum', version: '3', run_id: 'train-1' } });
      if (url.searchParams.get('name') === 'momentum' && url.searchParams.get('version') === '5') return send(200, { model_version: { name: 'momentum', version: '5', run_id: '' } });
      return send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such version' });
    }
    if (url.pathname === '/mlflow/api/2.0/mlflow/runs/get') {
      return send(200, { run: { info: { run_id: 'train-1', experiment_id: '7' }, data: { metrics: [{ key: 'dist.prediction.0', value: 0.5 }, { key: 'dist.prediction.1', value: 0.5 }, { key: 'sharpe', value: 1.1 }] } } });
    }
    if (url.pathname === '/mlflow/api/2.0/mlflow/runs/search') {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        searches.push(JSON.parse(data));
        send(200, { runs: monitoringRuns });
      });
      return;
    }
    send(404, {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mlflow`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
// The server's answers and the record of searches start empty in every test.
beforeEach(() => {
  searches.length = 0;
  monitoringRuns = [];
});

describe('modelDistributions', () => {
  it('reads the training run of the model version and the newest monitoring run of its experiment', async () => {
    monitoringRuns = [{ info: { run_id: 'mon-9', experiment_id: '7' }, data: { metrics: [{ key: 'dist.prediction.0', value: 80 }, { key: 'dist.prediction.1', value: 20 }] } }];
    const pair = await modelDistributions(new MlflowClient(base), 'momentum', '3');
    expect(pair).toEqual({ reference: { prediction: [0.5, 0.5] }, current: { prediction: [80, 20] }, referenceRunId: 'train-1', currentRunId: 'mon-9' });
    expect(searches.at(-1)).toEqual({ experiment_ids: ['7'], filter: "tags.`tradai.run_type` = 'monitoring'", max_results: 1, order_by: ['attributes.start_time DESC'] });
  });

  it('names what is missing: the model version, its source run, or any monitoring run', async () => {
    await expect(modelDistributions(new MlflowClient(base), 'momentum', '4')).rejects.toThrow(/404 RESOURCE_DOES_NOT_EXIST/);
    await expect(modelDistributions(new MlflowClient(base), 'momentum', '5')).rejects.toThrow('model momentum version 5 has no source run');
    expect(searches).toEqual([]);
    await expect(modelDistributions(new MlflowClient(base), 'momentum', '3')).rejects.toThrow(/no monitoring run .* in experiment 7 of model momentum/);
  });
});
