import { serviceConfig } from '@tradai/service-runtime';
import { describe, expect, it } from 'vitest';
import { liveBot } from './app.js';

describe('live-trading', () => {
  it('listens where the stack probes', () => {
    expect(serviceConfig('live-trading', {})).toMatchObject({ port: 8004, healthPath: '/health' });
  });

  it('refuses to start outside prod unless allowed, and without exchange credentials', async () => {
    const base = { TRADAI_ENVIRONMENT: 'staging', BOT_ID: 'live-1', STRATEGY: 'ma-crossover', AWS_REGION: 'eu-central-1' };
    const log = () => undefined;
    await expect(liveBot(base, log)).rejects.toThrow('live trading refused in staging: real orders run in prod only; set ALLOW_LIVE_OUTSIDE_PROD=true');
    await expect(liveBot({ ...base, TRADAI_ENVIRONMENT: 'prod' }, log)).rejects.toThrow(/^live trading needs exchange credentials: EXCHANGE_SECRET_ID is not set/);
    await expect(liveBot({ ...base, ALLOW_LIVE_OUTSIDE_PROD: 'true' }, log)).rejects.toThrow(/EXCHANGE_SECRET_ID is not set/);
  });

  it('refuses to start under another service environment', () => {
    expect(() => serviceConfig('live-trading', { SERVICE_NAME: 'dry-run-trading' })).toThrow('SERVICE_NAME is "dry-run-trading" but this image is live-trading');
  });
});
