import { StrategyConfigFile, type ParameterSpec } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { configFileFor, configObject, versionView } from './strategies.js';
import { strategyServiceConfig } from './config.js';

describe('config files (pure)', () => {
  const specs: Record<string, ParameterSpec> = { fast: { type: 'number', min: 1, max: 9, default: 3 }, mode: { type: 'string', enum: ['a', 'b'] } };

  it('sets each chosen value as the default of its spec and keeps the bounds', () => {
    const file = configFileFor('s', specs, { fast: 5 }, { exchange: 'kraken' });
    expect(file).toEqual({ strategy: 's', exchange: 'kraken', parameters: { fast: { type: 'number', min: 1, max: 9, default: 5 }, mode: { type: 'string', enum: ['a', 'b'] } } });
    expect(StrategyConfigFile.parse(file)).toEqual(file);
  });

  it('names the object by its content: same content same key, other content other key', () => {
    const a = configObject(configFileFor('s', specs, { fast: 5 }, {}));
    expect(a.key).toMatch(/^strategies\/s\/configs\/[a-f0-9]{32}\.json$/);
    expect(configObject(configFileFor('s', specs, { fast: 5 }, {})).key).toBe(a.key);
    expect(configObject(configFileFor('s', specs, { fast: 6 }, {})).key).not.toBe(a.key);
    expect(JSON.parse(a.body)).toEqual(configFileFor('s', specs, { fast: 5 }, {}));
  });

  it('maps a table row to the camelCase API view, leaving out unset fields', () => {
    expect(versionView({ strategy: 's', version: 2, config_key: 'k', image: 'i', created_at: 't', source: 'rollback', restored_from: 1 })).toEqual({
      strategy: 's',
      version: 2,
      configKey: 'k',
      image: 'i',
      createdAt: 't',
      source: 'rollback',
      restoredFrom: 1,
    });
  });
});

describe('strategyServiceConfig', () => {
  const env = { CONFIGS_BUCKET: 'b', CONFIG_VERSIONS_TABLE: 't', COGNITO_USER_POOL_ID: 'eu-central-1_Abc', COGNITO_CLIENT_IDS: 'web,m2m' };

  it('reads the bucket, the table, the user pool and the port of SERVICE_ENDPOINTS', () => {
    const cfg = strategyServiceConfig(env);
    expect(cfg).toMatchObject({ configsBucket: 'b', configVersionsTable: 't', service: { name: 'strategy-service', port: 8003, healthPath: '/health' } });
    expect(cfg.auth).toEqual({
      issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc',
      jwksUri: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc/.well-known/jwks.json',
      clientIds: ['web', 'm2m'],
    });
  });

  it('names each missing variable', () => {
    for (const name of Object.keys(env)) {
      const rest = Object.fromEntries(Object.entries(env).filter(([k]) => k !== name));
      expect(() => strategyServiceConfig(rest), name).toThrow(name);
    }
  });
});
