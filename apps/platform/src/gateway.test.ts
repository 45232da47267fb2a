import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startFauxqs, type Fauxqs } from '@tradai/domain/testing';
import { createTokenVerifier, startLocalIdp, type LocalIdp } from '@tradai/service-runtime';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildGateway, gatewayPath } from './gateway.js';

let fx: Fauxqs;
let idp: LocalIdp;
let upstream: Server;
let gateway: FastifyInstance;
let queueUrl: string;
const seen: { method: string; url: string; body: string; auth?: string }[] = [];

beforeAll(async () => {
  [fx, idp] = await Promise.all([startFauxqs(), startLocalIdp()]);
  queueUrl = (await fx.sqs.send(new CreateQueueCommand({ QueueName: 'gw-backtests' }))).QueueUrl!;
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gateway = await buildGateway({
    verify: createTokenVerifier(idp.config),
    idp,
    m2mClientSecret: 's3cret',
    sqs: fx.sqs,
    backtestQueueUrl: queueUrl,
    upstreams: { 'backend-api': origin, 'strategy-service': origin, 'data-collection': origin },
  });
});
afterAll(async () => {
  await gateway.close();
  upstream.close();
  await Promise.all([fx.stop(), idp.stop()]);
});

describe('gatewayPath', () => {
  it('turns API Gateway templates into Fastify paths', () => {
    expect(gatewayPath('/api/v1/backtests/{id}/results')).toBe('/api/v1/backtests/:id/results');
    expect(gatewayPath('/mlflow/{proxy+}')).toBe('/mlflow/*');
  });
});

describe('local gateway', () => {
  // What the upstream saw is per test: each test asserts everything that reached it.
  beforeEach(() => {
    seen.length = 0;
  });

  it('sends POST /api/v1/backtests to the queue as the raw body, after the JWT check', async () => {
    const raw = '{"requestId":"gw-1",  "strategy":"ma-crossover"}';
    const res = await gateway.inject({ method: 'POST', url: '/api/v1/backtests', headers: { authorization: `Bearer ${idp.m2mToken(['backtests.write'])}`, 'content-type': 'application/json' }, payload: raw });
    expect(res.statusCode).toBe(200);
    const id = res.json().SendMessageResponse.SendMessageResult.MessageId as string;
    const got = await fx.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(got.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[id, raw]]);
    expect(seen).toEqual([]);
  });

  it('401 without or with a bad token, 403 without a route scope; users pass to the service', async () => {
    expect((await gateway.inject({ method: 'GET', url: '/api/v1/backtests' })).statusCode).toBe(401);
    expect((await gateway.inject({ method: 'GET', url: '/api/v1/backtests', headers: { authorization: 'Bearer abc.def.ghi' } })).statusCode).toBe(401);
    const wrong = await gateway.inject({ method: 'POST', url: '/api/v1/data/sync', headers: { authorization: `Bearer ${idp.m2mToken(['data.read'])}` }, payload: '{}' });
    expect([wrong.statusCode, wrong.json()]).toEqual([403, { message: 'Forbidden' }]);
    // A viewer's token carries openid: the gateway lets it through, the service checks the group.
    const user = await gateway.inject({ method: 'GET', url: '/api/v1/strategies?limit=5', headers: { authorization: `Bearer ${idp.userToken(['viewer'])}` } });
    expect(user.statusCode).toBe(200);
    // Only the user's request reached the service: the refused ones stopped at the gateway.
    expect(seen).toEqual([expect.objectContaining({ method: 'GET', url: '/api/v1/strategies?limit=5' })]);
  });

  it('proxies to the owning service with the body bytes and the token untouched', async () => {
    const token = idp.userToken(['trader']);
    const raw = '{ "parameters": {"fast": 8} }';
    const res = await gateway.inject({ method: 'PUT', url: '/api/v1/strategies/ma-crossover/config', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: raw });
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([{ method: 'PUT', url: '/api/v1/strategies/ma-crossover/config', body: raw, auth: `Bearer ${token}` }]);
    expect((await gateway.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('answers unknown routes 404 and routes without a local target 503', async () => {
    expect((await gateway.inject({ method: 'GET', url: '/api/v2/nothing' })).statusCode).toBe(404);
    const mlflow = await gateway.inject({ method: 'GET', url: '/mlflow/api/2.0/x', headers: { authorization: `Bearer ${idp.userToken(['trader'])}` } });
    expect(mlflow.statusCode).toBe(503);
  });

  it('issues client-credentials tokens with the scopes asked, and refuses a bad client or scope', async () => {
    const basic = (secret: string) => `Basic ${Buffer.from(`${idp.m2mClientId}:${secret}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await gateway.inject({ method: 'POST', url: '/oauth2/token', headers: { ...form, authorization: basic('s3cret') }, payload: 'grant_type=client_credentials&scope=tradai-api/backtests.read' });
    expect(ok.statusCode).toBe(200);
    const claims = JSON.parse(Buffer.from((ok.json().access_token as string).split('.')[1]!, 'base64url').toString()) as { scope: string };
    expect(claims.scope).toBe('tradai-api/backtests.read');
    const badSecret = await gateway.inject({ method: 'POST', url: '/oauth2/token', headers: { ...form, authorization: basic('nope') }, payload: 'grant_type=client_credentials' });
    expect([badSecret.statusCode, badSecret.json().error]).toEqual([400, 'invalid_client']);
    const badScope = await gateway.inject({ method: 'POST', url: '/oauth2/token', headers: { ...form, authorization: basic('s3cret') }, payload: 'grant_type=client_credentials&scope=tradai-api/everything' });
    expect(badScope.json()).toEqual({ error: 'invalid_scope', error_description: 'unknown scope tradai-api/everything' });
  });
});
