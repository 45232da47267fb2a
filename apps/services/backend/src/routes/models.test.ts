import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBackendApp } from '../app.js';
import type { BackendDeps } from '../deps.js';
import { problemOf, startHarness, type Harness } from '../test-support.js';

let h: Harness;
// The SDK wraps the payload bytes in a blob adapter; the route reads only the bytes.
const payload = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v))) as InvokeCommandOutput['Payload'];

beforeAll(async () => {
  h = await startHarness();
  Object.assign(h.mlflow.state, {
    models: { trend: [{ version: '1', run_id: 'run-1' }, { version: '2', run_id: 'run-2' }, { version: '3', run_id: 'run-3' }], meanrev: [{ version: '1', run_id: 'run-m1' }] },
    aliases: { trend: { champion: '2' } },
    runs: { 'run-2': { sharpe: 1.7, total_return: 0.3 } },
  });
  await h.deps.deployments.put({ strategy: 'trend', deployed_at: '2026-05-01T00:00:00Z', deployment_id: 'd-1', config_version: 1, source: 'promote-model', model_name: 'trend', model_version: '1' });
  await h.deps.deployments.put({ strategy: 'trend', deployed_at: '2026-05-10T00:00:00Z', deployment_id: 'd-2', config_version: 2, source: 'promote-model', model_name: 'trend', model_version: '2' });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.lambda.reset();
  h.mlflow.state.failWith = undefined;
});

describe('GET /api/v1/models', () => {
  it('lists every registered model with its champion and the champion run metrics', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/models' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).items).toEqual([
      { name: 'meanrev', championVersion: null, latestVersion: '1', aliases: {}, championMetrics: null },
      { name: 'trend', championVersion: '2', latestVersion: '3', aliases: { champion: '2' }, championMetrics: { sharpe: 1.7, total_return: 0.3 } },
    ]);
  });

  it('the latest version is the highest number, and a champion without a training run has no metrics', async () => {
    // Real MLflow lists the latest version per stage, in no particular order (the local fake lists one).
    const mlflow = {
      searchRegisteredModels: () => Promise.resolve([{ name: 'solo', aliases: { champion: '9' }, latestVersions: ['9', '10', '2'] }]),
      getModelVersion: () => Promise.resolve({ name: 'solo', version: '9' }),
      getRunMetrics: () => Promise.reject(new Error('no run to read')),
    } as unknown as BackendDeps['mlflow'];
    const app = await buildBackendApp({ ...h.deps, mlflow }, { logLevel: 'silent' });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/models' });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body).items).toEqual([{ name: 'solo', championVersion: '9', latestVersion: '10', aliases: { champion: '9' }, championMetrics: null }]);
    } finally {
      await app.close();
    }
  });

  it('503 naming MLflow when the registry fails or is unreachable', async () => {
    h.mlflow.state.failWith = 503;
    const failing = await h.app.inject({ method: 'GET', url: '/api/v1/models' });
    expect(failing.statusCode).toBe(503);
    expect(problemOf(failing).detail).toMatch(/^MLflow unavailable/);
    const down = await h.outageApp({ mlflow: true });
    const unreachable = await down.inject({ method: 'GET', url: '/api/v1/models' });
    expect(unreachable.statusCode).toBe(503);
  });
});

describe('POST /api/v1/models/{name}/promote', () => {
  const body = { strategy: 'trend', startedAt: '2026-05-20T00:00:00Z', version: '3' };

  it('invokes promote-model with the retraining run and the model of the path', async () => {
    const out = { strategy: 'trend', modelName: 'trend', modelVersion: '3', deploymentId: 'd-3', configVersion: 3, changed: true };
    h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(out) });
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', payload: body });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual(out);
    const call = h.lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('tradai-promote-model-test');
    expect(call.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(Buffer.from(call.Payload as Uint8Array).toString())).toEqual({ strategy: 'trend', startedAt: '2026-05-20T00:00:00Z', modelName: 'trend', candidateVersion: '3' });
  });

  it.each([
    [{ ...body, version: 'three' }, 'body.version'],
    [{ ...body, startedAt: 'yesterday' }, 'body.startedAt'],
    [{ startedAt: body.startedAt, version: '3' }, 'body.strategy'],
    [{ ...body, version: 'v3' }, 'body.version'],
    [{ ...body, version: '3a' }, 'body.version'],
  ])('400 naming the field, without invoking anything', async (payloadBody, path) => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', payload: payloadBody });
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors?.map((e) => e.path)).toContain(path);
    expect(h.lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('takes a multi-digit version, and says what a version must be', async () => {
    h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ strategy: 'trend', modelName: 'trend', modelVersion: '12', deploymentId: 'd-12', configVersion: 12, changed: true }) });
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', payload: { ...body, version: '12' } })).statusCode).toBe(200);
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', payload: { ...body, version: 'x' } });
    expect(problemOf(bad).errors).toContainEqual(expect.objectContaining({ path: 'body.version', message: 'must be a model version number' }));
  });

  it.each([
    ['-trend', 'a leading dash'],
    ['trend!', 'a trailing symbol'],
  ])('400 naming params.name for %s (%s)', async (name, _) => {
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/models/${encodeURIComponent(name)}/promote`, payload: body });
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors).toContainEqual(expect.objectContaining({ path: 'params.name', message: 'must be 1-128 chars of A-Z, a-z, 0-9, ".", "-", "_"' }));
    expect(h.lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("keeps the Lambda's refusals: NotFoundError 404, ConflictError 409, MLflow down 503, anything else 502", async () => {
    const cases = [
      ['NotFoundError', 'retraining run trend@x not found in retraining_state', 404],
      ['ConflictError', 'retraining run trend@x is REJECTED, not TRAINING', 409],
      ['MlflowError', 'MLflow GET model-versions/get failed: fetch failed', 503],
      ['TypeError', 'oops', 502],
    ] as const;
    for (const [errorType, errorMessage, status] of cases) {
      h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType, errorMessage }) });
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', payload: body });
      expect(res.statusCode, errorType).toBe(status);
      expect(problemOf(res).detail).toContain(errorMessage);
    }
  });

  it('503 naming Lambda when the invoke itself fails', async () => {
    h.lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }));
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/promote', payload: body });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^Lambda unavailable/);
  });
});

describe('POST /api/v1/models/{name}/rollback', () => {
  it("invokes rollback for the model's strategy with the reason", async () => {
    h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ status: 'COMPLETED', strategy: 'trend', fromDeploymentId: 'd-2', toDeploymentId: 'd-4' }) });
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/rollback', payload: { reason: 'sharpe collapsed', deploymentId: 'd-2' } });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'COMPLETED', toDeploymentId: 'd-4' });
    const call = h.lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('tradai-rollback-test');
    expect(JSON.parse(Buffer.from(call.Payload as Uint8Array).toString())).toEqual({ strategy: 'trend', reason: 'sharpe collapsed', requestedBy: 'api', deploymentId: 'd-2' });
  });

  it('404 for a strategy without deployments, 409 when the strategy runs another model, 409 for a refused rollback', async () => {
    const none = await h.app.inject({ method: 'POST', url: '/api/v1/models/ghost/rollback', payload: { reason: 'x' } });
    expect(none.statusCode).toBe(404);
    const other = await h.app.inject({ method: 'POST', url: '/api/v1/models/meanrev/rollback', payload: { strategy: 'trend', reason: 'x' } });
    expect(other.statusCode).toBe(409);
    expect(problemOf(other).detail).toBe('strategy trend currently runs model trend, not meanrev');
    expect(h.lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'StaleRollbackError', errorMessage: 'deployment d-1 is no longer current' }) });
    const stale = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/rollback', payload: { reason: 'x', deploymentId: 'd-1' } });
    expect(stale.statusCode).toBe(409);
  });

  it('rolls back by the model the deployment runs, not its strategy name, and answers ALREADY_DONE', async () => {
    await h.deps.deployments.put({ strategy: 'carry', deployed_at: '2026-05-10T00:00:00Z', deployment_id: 'd-c', config_version: 1, source: 'promote-model', model_name: 'carry-v2', model_version: '1' });
    h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ status: 'ALREADY_DONE', strategy: 'carry' }) });
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/carry-v2/rollback', payload: { strategy: 'carry', reason: 'x' } });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ALREADY_DONE', strategy: 'carry' });
  });

  it('409 naming "(none)" for a strategy that runs no model, 404 naming the strategy without deployments', async () => {
    await h.deps.deployments.put({ strategy: 'plain', deployed_at: '2026-05-10T00:00:00Z', deployment_id: 'd-p', config_version: 1, source: 'strategy-registrar' });
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/rollback', payload: { strategy: 'plain', reason: 'x' } });
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).detail).toBe('strategy plain currently runs model (none), not trend');
    const none = await h.app.inject({ method: 'POST', url: '/api/v1/models/ghost/rollback', payload: { reason: 'x' } });
    expect(problemOf(none).detail).toBe('strategy ghost has no deployment to roll back');
  });

  it("records the verified token's subject as the requester", async () => {
    const asUser = (sub: unknown) =>
      buildBackendApp(h.deps, {
        logLevel: 'silent',
        authorize: () => async (req) => {
          Object.assign(req, { principal: { sub } });
        },
      });
    const requestedBy = async (sub: unknown) => {
      h.lambda.reset();
      h.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ status: 'COMPLETED', strategy: 'trend' }) });
      const app = await asUser(sub);
      try {
        expect((await app.inject({ method: 'POST', url: '/api/v1/models/trend/rollback', payload: { reason: 'x' } })).statusCode).toBe(200);
      } finally {
        await app.close();
      }
      return JSON.parse(Buffer.from(h.lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array).toString()).requestedBy as string;
    };
    expect(await requestedBy('alice')).toBe('api:alice');
    expect(await requestedBy('')).toBe('api');
    expect(await requestedBy(42)).toBe('api');
  });

  it('400 naming body.reason when it is missing', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/models/trend/rollback', payload: {} });
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors?.map((e) => e.path)).toContain('body.reason');
  });

  it('503 naming DynamoDB when the deployments table is unreachable, and nothing is invoked', async () => {
    const down = await h.outageApp({ dynamodb: true });
    const res = await down.inject({ method: 'POST', url: '/api/v1/models/trend/rollback', payload: { reason: 'x' } });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^DynamoDB unavailable/);
    expect(h.lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
