import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { CHAMPION_ALIAS, MlflowClient, MlflowError } from './mlflow.js';

type Answer = { status?: number; body?: unknown; text?: string };
/** A client whose fetch records each request URL and body and answers from `script` in order. */
function scripted(script: Answer[], baseUrl = 'http://mlflow.test/mlflow') {
  const requests: { url: string; body?: unknown }[] = [];
  const client = new MlflowClient(baseUrl, async (url, init) => {
    requests.push({ url, ...(init?.body ? { body: JSON.parse(init.body as string) } : {}) });
    const a = script[requests.length - 1] ?? {};
    return new Response(a.text ?? JSON.stringify(a.body ?? {}), { status: a.status ?? 200 });
  });
  return { client, requests };
}

/** The rejection of `p`, asserted to be a ValidationError. */
async function validationError(p: Promise<unknown>): Promise<ValidationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('MlflowClient refuses malformed answers, naming the call', () => {
  it('model-versions/get: a version without its number', async () => {
    const { client } = scripted([{ body: { model_version: { name: 'm' } } }]);
    const err = await validationError(client.getModelVersion('m', '1'));
    expect(err.message).toMatch(/^invalid MLflow model-versions\/get response: model_version\.version: /);
  });

  it('registered-models/alias: a malformed version is an error, not an unset alias', async () => {
    const { client } = scripted([{ body: { model_version: { name: 'm', version: 3 } } }]);
    const err = await validationError(client.getModelVersionByAlias('m', 'champion'));
    expect(err.message).toMatch(/^invalid MLflow registered-models\/alias response: model_version\.version: /);
  });

  it('model-versions/search: a listed version without a name', async () => {
    const { client } = scripted([{ body: { model_versions: [{ version: '1' }] } }]);
    const err = await validationError(client.latestVersion('m'));
    expect(err.message).toMatch(/^invalid MLflow model-versions\/search response: model_versions\.0\.name: /);
  });

  it('registered-models/search: an alias without its version', async () => {
    const { client } = scripted([{ body: { registered_models: [{ name: 'a', aliases: [{ alias: 'champion' }] }] } }]);
    const err = await validationError(client.searchRegisteredModels());
    expect(err.message).toMatch(/^invalid MLflow registered-models\/search response: registered_models\.0\.aliases\.0\.version: /);
  });

  it('runs/get (metrics): a run without an id, a metric without a numeric value', async () => {
    const { client } = scripted([{ body: { run: { info: {}, data: { metrics: [] } } } }, { body: { run: { info: { run_id: 'r' }, data: { metrics: [{ key: 'sharpe', value: 'high' }] } } } }]);
    expect((await validationError(client.getRunMetrics('r'))).message).toMatch(/^invalid MLflow runs\/get response: run\.info\.run_id: /);
    expect((await validationError(client.getRunMetrics('r'))).message).toMatch(/^invalid MLflow runs\/get response: run\.data\.metrics\.0\.value: /);
  });

  it('runs/get (run): a metric without a key', async () => {
    const { client } = scripted([{ body: { run: { info: { run_id: 'r', experiment_id: '1' }, data: { metrics: [{ value: 1 }] } } } }]);
    expect((await validationError(client.getRun('r'))).message).toMatch(/^invalid MLflow runs\/get response: run\.data\.metrics\.0\.key: /);
  });

  it('runs/search: a run without an experiment', async () => {
    const { client, requests } = scripted([{ body: { runs: [{ info: { run_id: 'r' } }] } }]);
    expect((await validationError(client.searchRuns(['1'], ''))).message).toMatch(/^invalid MLflow runs\/search response: runs\.0\.info\.experiment_id: /);
    expect(requests[0]!.url).toBe('http://mlflow.test/mlflow/api/2.0/mlflow/runs/search');
  });

  it('experiments/get-by-name and experiments/create: an experiment without an id', async () => {
    const { client } = scripted([{ body: { experiment: {} } }, { status: 404, body: {} }, { body: {} }]);
    expect((await validationError(client.getOrCreateExperiment('a'))).message).toMatch(/^invalid MLflow experiments\/get-by-name response: experiment\.experiment_id: /);
    expect((await validationError(client.getOrCreateExperiment('a'))).message).toMatch(/^invalid MLflow experiments\/create response: experiment_id: /);
  });

  it('runs/create: a run without an id', async () => {
    const { client } = scripted([{ body: { run: { info: {} } } }]);
    expect((await validationError(client.createRun('1'))).message).toMatch(/^invalid MLflow runs\/create response: run\.info\.run_id: /);
  });

  it('model-versions/create: a version without its number', async () => {
    const { client } = scripted([{ body: {} }, { body: { model_version: { name: 'm' } } }]);
    expect((await validationError(client.createModelVersion('m', 's3://b/m', 'r1'))).message).toMatch(/^invalid MLflow model-versions\/create response: model_version\.version: /);
  });
});

describe('MlflowClient details', () => {
  it('the champion alias is "champion"', () => {
    expect(CHAMPION_ALIAS).toBe('champion');
  });

  it('trims every trailing slash of the base URL', async () => {
    const { client, requests } = scripted([{}], 'http://mlflow.test/mlflow///');
    await client.finishRun('r', 'FINISHED', 1);
    expect(requests[0]!.url).toBe('http://mlflow.test/mlflow/api/2.0/mlflow/runs/update');
  });

  it('keeps only the first 200 chars of a non-JSON error body', async () => {
    const { client } = scripted([{ status: 502, text: 'x'.repeat(500) }]);
    const err = await client.finishRun('r', 'FINISHED', 1).then(
      () => undefined,
      (e: unknown) => e as MlflowError,
    );
    expect(err).toBeInstanceOf(MlflowError);
    expect(err!.message).toBe(`MLflow POST runs/update -> 502  ${'x'.repeat(200)}`);
  });

  it('creates a missing experiment on a bare 404 and on RESOURCE_DOES_NOT_EXIST with another status', async () => {
    const { client, requests } = scripted([{ status: 404, body: {} }, { body: { experiment_id: '8' } }, { status: 400, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } }, { body: { experiment_id: '9' } }]);
    expect(await client.getOrCreateExperiment('a')).toBe('8');
    expect(await client.getOrCreateExperiment('b')).toBe('9');
    expect(requests.map((r) => new URL(r.url).pathname.split('/').slice(-2).join('/'))).toEqual(['experiments/get-by-name', 'experiments/create', 'experiments/get-by-name', 'experiments/create']);
  });

  it('sends tags and params as key/value pairs in log-batch', async () => {
    const { client, requests } = scripted([{}]);
    await client.logBatch('r', { params: { lr: '0.1' }, tags: { stage: 'train', who: 'ci' } }, 7);
    expect(requests[0]!.body).toEqual({
      run_id: 'r',
      metrics: [],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [
        { key: 'stage', value: 'train' },
        { key: 'who', value: 'ci' },
      ],
    });
  });
});
