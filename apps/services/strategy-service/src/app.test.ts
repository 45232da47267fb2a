import { describe, expect, it } from 'vitest';
import { buildStrategyService } from './app.js';
import { strategyServiceConfig } from './config.js';

describe('buildStrategyService', () => {
  it('writes its log lines, tagged with the service name, to the given log stream', async () => {
    const cfg = strategyServiceConfig({ CONFIGS_BUCKET: 'b', CONFIG_VERSIONS_TABLE: 't', AUTH_ISSUER: 'http://127.0.0.1:9', COGNITO_CLIENT_IDS: 'c', LOG_LEVEL: 'info' });
    const lines: string[] = [];
    const app = await buildStrategyService(cfg, { logStream: { write: (line) => void lines.push(line) } });
    try {
      const res = await app.inject({ method: 'GET', url: cfg.service.healthPath });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ service: 'strategy-service' });
      expect((await app.inject({ method: 'GET', url: '/api/v1/strategies' })).statusCode).toBe(401);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.map((l) => JSON.parse(l) as { service?: string }).every((l) => l.service === 'strategy-service')).toBe(true);
    } finally {
      await app.close();
    }
  });
});
