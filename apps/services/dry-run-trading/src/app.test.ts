import { describe, expect, it } from 'vitest';
import { buildApp, tradingConfig } from './app.js';

describe('dry-run-trading image (dry-run and shadow roles)', () => {
  it('takes port and health path from its role', async () => {
    expect(tradingConfig({}).port).toBe(8005);
    const shadow = tradingConfig({ SERVICE_NAME: 'shadow-trading', LOG_LEVEL: 'silent' });
    expect(shadow).toMatchObject({ name: 'shadow-trading', port: 8006 });
    const app = await buildApp(shadow);
    const res = await app.inject(shadow.healthPath);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'shadow-trading', status: 'ok' });
    await app.close();
  });

  it('refuses a role it does not run, naming the variable', () => {
    expect(() => tradingConfig({ SERVICE_NAME: 'live-trading' })).toThrow('SERVICE_NAME must be one of dry-run-trading, shadow-trading, got "live-trading"');
  });
});
