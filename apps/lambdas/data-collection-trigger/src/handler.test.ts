import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('data-collection-trigger');
const { depsFromEnv, handler, TOKEN_SCOPES } = await import('./handler.js');
afterAll(restore);
const sm = mockClient(SecretsManagerClient);
afterAll(() => sm.restore());

describe('data-collection-trigger handler', () => {
  it('reads exactly its declared environment: the Service Discovery URL and the lists', () => {
    const d = depsFromEnv(dummyLambdaEnv('data-collection-trigger', { SERVICE_DISCOVERY_NAMESPACE: 'tradai-prod.local' }));
    expect(d.url).toBe('http://data-collection.tradai-prod.local:8002/api/v1/data/sync');
    expect(d.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(d.timeframes).toEqual(['1h', '4h', '1d']);
    expect(() => depsFromEnv(dummyLambdaEnv('data-collection-trigger', { SYMBOLS: 'BTC/USDT,,ETH/USDT' }))).toThrow(/SYMBOLS/);
    const { COGNITO_M2M_SECRET_ARN: _, ...noSecret } = dummyLambdaEnv('data-collection-trigger');
    expect(() => depsFromEnv(noSecret)).toThrow(/COGNITO_M2M_SECRET_ARN/);
  });

  it('calls with a token for exactly its LAMBDA_ACCESS scope, from the secret its environment names', async () => {
    expect(TOKEN_SCOPES).toEqual(['tradai-api/data.write']);
    const seen: { url?: string; authorization?: string; scope?: string }[] = [];
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, authorization: req.headers.authorization, scope: new URLSearchParams(data).get('scope') ?? undefined });
        res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/oauth2/token' ? '{"access_token":"tok","expires_in":3600}' : '{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:tradai-cognito-m2m-dev-AbCdEf';
      sm.on(GetSecretValueCommand, { SecretId: arn }).resolves({
        SecretString: JSON.stringify({ client_id: 'id', client_secret: 'secret', token_url: `${base}/oauth2/token`, scope: 'tradai-api/data.write tradai-api/data.read' }),
      });
      const d = depsFromEnv(dummyLambdaEnv('data-collection-trigger', { COGNITO_M2M_SECRET_ARN: arn }), new SecretsManagerClient({ region: 'us-east-1' }));
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0); // nothing read before the first call
      expect((await d.fetch(`${base}/api/v1/data/sync`, { method: 'POST', body: '{}' })).status).toBe(200);
      expect(seen).toEqual([
        { url: '/oauth2/token', authorization: `Basic ${Buffer.from('id:secret').toString('base64')}`, scope: 'tradai-api/data.write' },
        { url: '/api/v1/data/sync', authorization: 'Bearer tok', scope: undefined },
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(['not', 'an', 'event'])).rejects.toThrow(/invalid data-collection-trigger event: \(root\)/);
  });
});
