import { describe, expect, it } from 'vitest';
import { roleMode, simulatedBot, tradingConfig } from './app.js';

describe('dry-run-trading image (dry-run and shadow roles)', () => {
  it('takes port, health path and bot mode from its role', () => {
    expect(tradingConfig({})).toMatchObject({ name: 'dry-run-trading', port: 8005 });
    expect(roleMode(tradingConfig({}))).toBe('dry-run');
    const shadow = tradingConfig({ SERVICE_NAME: 'shadow-trading' });
    expect(shadow).toMatchObject({ name: 'shadow-trading', port: 8006, healthPath: '/health' });
    expect(roleMode(shadow)).toBe('shadow');
    // As the task definition may pad it.
    expect(tradingConfig({ SERVICE_NAME: ' shadow-trading ' }).name).toBe('shadow-trading');
  });

  it('refuses a role it does not run, naming the variable', () => {
    expect(() => tradingConfig({ SERVICE_NAME: 'live-trading' })).toThrow('SERVICE_NAME must be one of dry-run-trading, shadow-trading, got "live-trading"');
    expect(() => tradingConfig({ SERVICE_NAME: 'live-trading' })).toThrow(expect.objectContaining({ name: 'EnvError', variables: ['SERVICE_NAME'] }));
  });

  it('refuses a bot environment that does not match its mode, before any I/O', async () => {
    const log = () => undefined;
    const base = { TRADAI_ENVIRONMENT: 'dev', BOT_ID: 'b', STRATEGY: 'ma-crossover', AWS_REGION: 'eu-central-1' };
    await expect(simulatedBot('dry-run', { ...base, TRADING_MODE: 'shadow' }, log)).rejects.toThrow('TRADING_MODE is "shadow" but this service runs dry-run bots');
    await expect(simulatedBot('shadow', { ...base, BOT_ID: '' }, log)).rejects.toThrow('missing environment variable BOT_ID');
  });
});
