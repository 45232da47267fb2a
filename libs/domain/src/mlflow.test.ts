import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClient, MlflowError } from './mlflow.js';
import { startFakeMlflow, type FakeMlflow } from './testing/index.js';

let fake: FakeMlflow;
let client: MlflowClient;

// A fresh registry per test: one test moves the champion alias, the others read it.
beforeEach(async () => {
  fake = await startFakeMlflow({
    models: { momo: [{ version: '1', run_id: 'r1' }, { version: '10', run_id: 'r10' }, { version: '2', run_id: 'r2' }] },
    aliases: { momo: { champion: '2' } },
    runs: { r2: { sharpe: 1.2, max_drawdown: 0.1 } },
  });
  client = new MlflowClient(fake.url);
});
afterEach(() => fake.stop());

describe('MlflowClient', () => {
  it('reads versions, aliases, the latest version and run metrics', async () => {
    expect(await client.getModelVersion('momo', '1')).toMatchObject({ name: 'momo', version: '1', run_id: 'r1' });
    expect(await client.getModelVersionByAlias('momo', 'champion')).toMatchObject({ version: '2', aliases: ['champion'] });
    expect(await client.getModelVersionByAlias('momo', 'nope')).toBeUndefined();
    expect((await client.latestVersion('momo'))?.version).toBe('10');
    expect(await client.latestVersion('none')).toBeUndefined();
    expect(await client.getRunMetrics('r2')).toEqual({ sharpe: 1.2, max_drawdown: 0.1 });
  });

  it('lists registered models with aliases, following every page', async () => {
    const pages = [
      { registered_models: [{ name: 'a', aliases: [{ alias: 'champion', version: '3' }], latest_versions: [{ version: '4' }] }], next_page_token: 't2' },
      { registered_models: [{ name: 'b', last_updated_timestamp: 1700000000000 }] },
    ];
    const urls: string[] = [];
    const paged = new MlflowClient('http://mlflow.test/mlflow', async (url) => {
      urls.push(url);
      return new Response(JSON.stringify(pages[urls.length - 1]), { status: 200 });
    });
    expect(await paged.searchRegisteredModels()).toEqual([
      { name: 'a', aliases: { champion: '3' }, latestVersions: ['4'] },
      { name: 'b', lastUpdatedTimestamp: 1700000000000, aliases: {}, latestVersions: [] },
    ]);
    expect(urls[1]).toContain('page_token=t2');
    expect((await client.searchRegisteredModels()).find((m) => m.name === 'momo')).toMatchObject({ aliases: { champion: '2' } });
  });

  it('sets aliases and tags with POST bodies MLflow expects', async () => {
    await client.setAlias('momo', 'champion', '10');
    await client.setModelVersionTag('momo', '10', 'promoted_by', 'promote-model');
    expect(fake.state.aliases.momo!.champion).toBe('10');
    expect(fake.state.requests.at(-2)).toEqual({ method: 'POST', path: '/mlflow/api/2.0/mlflow/registered-models/alias', body: { name: 'momo', alias: 'champion', version: '10' } });
  });

  it('raises MlflowError with status and error code', async () => {
    await expect(client.getModelVersion('momo', '99')).rejects.toMatchObject({ name: 'MlflowError', status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    fake.state.failWith = 503;
    await expect(client.getRunMetrics('r2')).rejects.toThrow(MlflowError);
    fake.state.failWith = undefined;
    const offline = new MlflowClient('http://127.0.0.1:9/mlflow', undefined, 500);
    await expect(offline.getModelVersion('momo', '1')).rejects.toMatchObject({ status: 0 });
  });
});

describe('MlflowClient over HTTP (recorded requests, scripted answers)', () => {
  type Answer = { status?: number; body?: unknown; text?: string };
  /** A client whose fetch records each request and answers from `script` in order. */
  function scripted(script: Answer[], baseUrl = 'http://mlflow.test/mlflow/') {
    const requests: { url: string; method: string; body?: unknown; headers: Record<string, string> }[] = [];
    const client = new MlflowClient(baseUrl, async (url, init) => {
      requests.push({ url, method: init!.method!, headers: init!.headers as Record<string, string>, ...(init?.body ? { body: JSON.parse(init.body as string) } : {}) });
      const a = script[requests.length - 1] ?? {};
      return new Response(a.text ?? JSON.stringify(a.body ?? {}), { status: a.status ?? 200 });
    });
    return { client, requests };
  }

  it('sends GET parameters in the query and POST parameters as a JSON body, under the trimmed base URL', async () => {
    const { client, requests } = scripted([{ body: { model_version: { name: 'm', version: '1' } } }, {}]);
    await client.getModelVersion('m o', '1');
    await client.setModelVersionTag('m', '1', 'k', 'v');
    expect(requests[0]).toMatchObject({ method: 'GET', url: 'http://mlflow.test/mlflow/api/2.0/mlflow/model-versions/get?name=m+o&version=1', headers: { accept: 'application/json' } });
    expect(requests[1]).toMatchObject({
      method: 'POST',
      url: 'http://mlflow.test/mlflow/api/2.0/mlflow/model-versions/set-tag',
      body: { name: 'm', version: '1', key: 'k', value: 'v' },
      headers: { accept: 'application/json', 'content-type': 'application/json' },
    });
  });

  it('turns an error answer into MlflowError with status, code and message; a non-JSON body keeps its text', async () => {
    const { client } = scripted([{ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad name' } }, { status: 502, text: '<html>bad gateway</html>' }, { status: 500, text: '' }]);
    await expect(client.getRunMetrics('r')).rejects.toMatchObject({ message: 'MLflow GET runs/get -> 400 INVALID_PARAMETER_VALUE bad name', status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    await expect(client.getRunMetrics('r')).rejects.toMatchObject({ message: 'MLflow GET runs/get -> 502  <html>bad gateway</html>', status: 502, errorCode: undefined });
    await expect(client.getRunMetrics('r')).rejects.toMatchObject({ message: 'MLflow GET runs/get -> 500', status: 500 });
  });

  it('names the request when the network fails', async () => {
    const client = new MlflowClient('http://x/mlflow', async () => {
      throw new Error('socket hang up');
    });
    await expect(client.finishRun('r', 'FAILED', 5)).rejects.toMatchObject({ message: 'MLflow POST runs/update failed: socket hang up', status: 0 });
  });

  it('an unset alias is undefined (404 or MLflow codes); other errors are thrown', async () => {
    const { client } = scripted([
      { status: 404, body: {} },
      { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } },
      { status: 400, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } },
      { status: 500, body: { error_code: 'INTERNAL_ERROR' } },
    ]);
    for (let i = 0; i < 3; i++) expect(await client.getModelVersionByAlias('m', 'champion')).toBeUndefined();
    await expect(client.getModelVersionByAlias('m', 'champion')).rejects.toMatchObject({ status: 500 });
  });

  it('finds the highest version numerically across every page of the search', async () => {
    const { client, requests } = scripted([
      { body: { model_versions: [{ name: "it's", version: '9' }], next_page_token: 'p2' } },
      { body: { model_versions: [{ name: "it's", version: '10' }, { name: "it's", version: '2' }], next_page_token: '' } },
    ]);
    expect((await client.latestVersion("it's"))?.version).toBe('10');
    expect(requests).toHaveLength(2);
    expect(new URL(requests[0]!.url).searchParams.get('filter')).toBe("name='it\\'s'");
    expect(new URL(requests[0]!.url).searchParams.get('page_token')).toBeNull();
    expect(new URL(requests[1]!.url).searchParams.get('page_token')).toBe('p2');
  });

  it('gets or creates an experiment: an existing one is reused, a missing one created, other errors thrown', async () => {
    const { client, requests } = scripted([
      { body: { experiment: { experiment_id: '7' } } },
      { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } },
      { body: { experiment_id: '8' } },
      { status: 403, body: { error_code: 'PERMISSION_DENIED' } },
    ]);
    expect(await client.getOrCreateExperiment('a')).toBe('7');
    expect(await client.getOrCreateExperiment('b')).toBe('8');
    expect(requests[2]).toMatchObject({ method: 'POST', body: { name: 'b' } });
    await expect(client.getOrCreateExperiment('c')).rejects.toMatchObject({ status: 403 });
    expect(requests).toHaveLength(4);
  });

  it('registers a version whether or not the registered model existed; other create errors stop it', async () => {
    const mv = { model_version: { name: 'm', version: '3' } };
    const { client, requests } = scripted([{ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } }, { body: mv }, { status: 500, body: { error_code: 'INTERNAL_ERROR' } }]);
    expect((await client.createModelVersion('m', 's3://b/m', 'r1')).version).toBe('3');
    expect(requests[1]).toMatchObject({ body: { name: 'm', source: 's3://b/m', run_id: 'r1' } });
    await expect(client.createModelVersion('m', 's3://b/m', 'r1')).rejects.toMatchObject({ status: 500 });
    expect(requests).toHaveLength(3);
  });

  it('logs in as few batches as the limits allow: 1000 metrics and 100 params per call, tags once', async () => {
    const count = async (metrics: number, params: number) => {
      const { client, requests } = scripted([]);
      await client.logBatch('r', {
        metrics: Object.fromEntries(Array.from({ length: metrics }, (_, i) => [`m${i}`, i])),
        params: Object.fromEntries(Array.from({ length: params }, (_, i) => [`p${i}`, String(i)])),
        tags: { t: 'v' },
      }, 42);
      return requests.map((r) => r.body as { metrics: unknown[]; params: unknown[]; tags: unknown[] });
    };
    expect((await count(0, 0)).map((b) => b.tags.length)).toEqual([1]);
    expect(await count(1000, 100)).toHaveLength(1);
    const over = await count(1001, 101);
    expect(over.map((b) => [b.metrics.length, b.params.length, b.tags.length])).toEqual([[1000, 100, 1], [1, 1, 0]]);
    expect((await count(1, 0))[0]!.metrics).toEqual([{ key: 'm0', value: 0, timestamp: 42, step: 0 }]);
  });

  it('starts a run with its name and tags, and reads runs by search', async () => {
    const { client, requests } = scripted([
      { body: { run: { info: { run_id: 'r1', artifact_uri: 's3://a' } } } },
      { body: { run: { info: { run_id: 'r2' } } } },
      { body: { runs: [{ info: { run_id: 'r1', experiment_id: '1' }, data: { metrics: [{ key: 'sharpe', value: 1 }] } }] } },
      { body: {} },
    ]);
    expect(await client.createRun('1', { runName: 'train', tags: { a: 'b' }, startTime: 5 })).toEqual({ runId: 'r1', artifactUri: 's3://a' });
    expect(requests[0]!.body).toEqual({ experiment_id: '1', start_time: 5, run_name: 'train', tags: [{ key: 'a', value: 'b' }] });
    expect(await client.createRun('1')).toEqual({ runId: 'r2' });
    expect(requests[1]!.body).toMatchObject({ experiment_id: '1', tags: [] });
    expect(requests[1]!.body).not.toHaveProperty('run_name');
    expect(await client.searchRuns(['1'], "tags.x = 'y'")).toEqual([{ runId: 'r1', experimentId: '1', metrics: { sharpe: 1 } }]);
    expect(requests[2]!.body).toEqual({ experiment_ids: ['1'], filter: "tags.x = 'y'", max_results: 1, order_by: ['attributes.start_time DESC'] });
    expect(await client.searchRuns(['1'], '', 5, [])).toEqual([]);
  });

  it('maps registered models: description and timestamp only when present', async () => {
    const { client } = scripted([{ body: { registered_models: [{ name: 'a', description: 'd', last_updated_timestamp: '1700' }, { name: 'b', description: '' }] } }]);
    expect(await client.searchRegisteredModels()).toEqual([
      { name: 'a', description: 'd', lastUpdatedTimestamp: 1700, aliases: {}, latestVersions: [] },
      { name: 'b', aliases: {}, latestVersions: [] },
    ]);
  });
});
