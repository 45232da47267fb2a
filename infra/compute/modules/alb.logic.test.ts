import { ALB_MAX_VALUES_PER_RULE, ALB_PATH_PATTERNS, API_ROUTES, ENVIRONMENTS, SERVICES, loadConfig, routeKey, type ServiceName } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { ALB_SERVICE_NAMES, FIRST_RULE_PRIORITY, certificateValidationRecord, listenerRulePlan, matchesPathPattern, targetGroupHealthCheck, targetGroupName, targetTypeFor } from './alb.logic.js';

describe('listenerRulePlan', () => {
  const plan = listenerRulePlan();

  it('covers every ALB path pattern exactly once, within the AWS limit of values per rule', () => {
    for (const service of ALB_SERVICE_NAMES) {
      const paths = plan.filter((r) => r.service === service).flatMap((r) => r.paths);
      expect(paths, service).toEqual(ALB_PATH_PATTERNS[service]);
    }
    for (const rule of plan) expect(rule.paths.length).toBeLessThanOrEqual(ALB_MAX_VALUES_PER_RULE);
    // backend-api has six patterns: two rules.
    expect(plan.filter((r) => r.service === 'backend-api').map((r) => r.paths.length)).toEqual([5, 1]);
  });

  it('gives unique priorities and logical names', () => {
    expect(new Set(plan.map((r) => r.priority)).size).toBe(plan.length);
    expect(new Set(plan.map((r) => r.key)).size).toBe(plan.length);
    expect(Math.min(...plan.map((r) => r.priority))).toBe(FIRST_RULE_PRIORITY);
  });

  it('routes every API route that goes through the ALB to its target service', () => {
    for (const route of API_ROUTES.filter((r) => r.target !== 'sqs:backtest')) {
      const concrete = route.path.replace(/\{[^}]+\}/g, 'x').replace('x+', 'x/y');
      const matching = plan.filter((rule) => rule.paths.some((p) => matchesPathPattern(p, concrete)));
      expect(matching.map((m) => m.service), routeKey(route)).toEqual([route.target]);
    }
  });

  it('splits any list by the limit and refuses gaps', () => {
    const many = { 'backend-api': Array.from({ length: 12 }, (_, i) => `/p${i}*`) } as Partial<Record<ServiceName, string[]>>;
    expect(listenerRulePlan(many, ['backend-api'], 5).map((r) => r.paths.length)).toEqual([5, 5, 2]);
    expect(() => listenerRulePlan({}, ['mlflow'])).toThrow('no path pattern for ALB service mlflow');
    expect(() => listenerRulePlan({ mlflow: ['/x*'], 'backend-api': ['/x*'] }, ['mlflow', 'backend-api'])).toThrow('/x* is routed to both mlflow and backend-api');
    expect(() => listenerRulePlan(many, ['backend-api'], 1)).toThrow('needs 12 listener rules');
    expect(() => listenerRulePlan(many, ['backend-api'], 0)).toThrow('positive integer');
  });
});

describe('target groups', () => {
  it('one per ALB service: the four DESIGN.md puts behind the ALB', () => {
    expect([...ALB_SERVICE_NAMES].sort()).toEqual(['backend-api', 'data-collection', 'mlflow', 'strategy-service']);
  });

  it('ip targets for Fargate, instance targets for the consolidated host', () => {
    const dev = loadConfig('dev');
    const prod = loadConfig('prod');
    for (const s of ALB_SERVICE_NAMES) {
      expect(targetTypeFor(s, dev)).toBe('instance');
      expect(targetTypeFor(s, prod)).toBe('ip');
    }
    expect(targetTypeFor('live-trading', dev)).toBe('ip');
    expect(targetTypeFor('backend-api', loadConfig('prod', { consolidatedMode: 'true' }))).toBe('instance');
  });

  it('names fit the 32-character ELB limit in every environment, health checks use the service path', () => {
    for (const env of ENVIRONMENTS) for (const s of ALB_SERVICE_NAMES) expect(targetGroupName(s, env).length).toBeLessThanOrEqual(32);
    expect(targetGroupName('strategy-service', 'staging')).toBe('tradai-strategy-service-staging');
    expect(targetGroupHealthCheck('mlflow')).toMatchObject({ path: SERVICES.mlflow.healthCheckPath, matcher: '200' });
  });
});

it('matchesPathPattern follows ALB wildcards', () => {
  expect(matchesPathPattern('/api/v1/data*', '/api/v1/data/ohlcv/BTC')).toBe(true);
  expect(matchesPathPattern('/health', '/healthz')).toBe(false);
  expect(matchesPathPattern('/v?/x', '/v1/x')).toBe(true);
});

describe('certificateValidationRecord', () => {
  const option = { domainName: 'api.example.com', resourceRecordName: '_x.api.example.com.', resourceRecordType: 'CNAME', resourceRecordValue: '_y.acm-validations.aws.' };

  it('picks the DNS record ACM asks for, for the requested name', () => {
    expect(certificateValidationRecord([{ ...option, domainName: 'other.example.com' }, option], 'api.example.com')).toEqual({ name: '_x.api.example.com.', type: 'CNAME', value: '_y.acm-validations.aws.' });
  });

  it('names the domain when ACM offered no DNS record for it', () => {
    expect(() => certificateValidationRecord([], 'api.example.com')).toThrow('ACM offered no DNS validation record for api.example.com (got: none)');
    expect(() => certificateValidationRecord([{ domainName: 'api.example.com' }], 'api.example.com')).toThrow('no DNS validation record');
  });
});
