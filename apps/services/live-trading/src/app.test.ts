import { serviceConfig } from '@tradai/service-runtime';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';

describe('live-trading (health only until the trading engine lands)', () => {
  it('answers its health path with its name, on the port the stack probes', async () => {
    const config = serviceConfig('live-trading', { LOG_LEVEL: 'silent' });
    expect(config.port).toBe(8004);
    const app = await buildApp(config);
    const res = await app.inject(config.healthPath);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'live-trading', status: 'ok' });
    expect((await app.inject('/api/v1/trading/orders')).statusCode).toBe(404);
    await app.close();
  });

  it('refuses to start under another service environment', () => {
    expect(() => serviceConfig('live-trading', { SERVICE_NAME: 'dry-run-trading' })).toThrow('SERVICE_NAME is "dry-run-trading" but this image is live-trading');
  });
});
