import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient, MlflowError } from './mlflow.js';
import { startFakeMlflow, type FakeMlflow } from './testing/index.js';

let fake: FakeMlflow;
let client: MlflowClient;

beforeAll(async () => {
  fake = await startFakeMlflow({
    models: { momo: [{ version: '1', run_id: 'r1' }, { version: '10', run_id: 'r10' }, { version: '2', run_id: 'r2' }] },
    aliases: { momo: { champion: '2' } },
    runs: { r2: { sharpe: 1.2, max_drawdown: 0.1 } },
  });
  client = new MlflowClient(fake.url);
});
afterAll(() => fake.stop());

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
