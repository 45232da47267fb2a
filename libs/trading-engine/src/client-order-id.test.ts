import { describe, expect, it } from 'vitest';
import { clientOrderId } from './client-order-id.js';

describe('clientOrderId', () => {
  it('treats a missing attempt as attempt 0', () => {
    const key = { botId: 'bot-1', symbol: 'BTC/USDT', candleTime: Date.UTC(2025, 0, 1), side: 'buy' as const };
    expect(clientOrderId(key)).toBe(clientOrderId({ ...key, attempt: 0 }));
    expect(clientOrderId(key)).not.toBe(clientOrderId({ ...key, attempt: 1 }));
  });
});
