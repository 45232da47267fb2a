import { dummyLambdaEnv, setLambdaEnv } from '@tradai/lambda-core/testing';
import { afterAll, describe, expect, it } from 'vitest';

// handler.ts reads its environment at module scope: set it before importing.
const restore = setLambdaEnv('data-collection-trigger');
const { depsFromEnv, handler } = await import('./handler.js');
afterAll(restore);

describe('data-collection-trigger handler', () => {
  it('reads exactly its declared environment: the Service Discovery URL and the lists', () => {
    const d = depsFromEnv(dummyLambdaEnv('data-collection-trigger', { SERVICE_DISCOVERY_NAMESPACE: 'tradai-prod.local' }));
    expect(d.url).toBe('http://data-collection.tradai-prod.local:8002/api/v1/data/sync');
    expect(d.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(d.timeframes).toEqual(['1h', '4h', '1d']);
    expect(() => depsFromEnv(dummyLambdaEnv('data-collection-trigger', { SYMBOLS: 'BTC/USDT,,ETH/USDT' }))).toThrow(/SYMBOLS/);
  });

  it('rejects a malformed event before touching anything', async () => {
    await expect(handler(['not', 'an', 'event'])).rejects.toThrow(/invalid data-collection-trigger event: \(root\)/);
  });
});
