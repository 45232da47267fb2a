import { describe, expect, it } from 'vitest';
import { smallPlan } from './__fixtures__/small-plan.js';
import { countStates, estimateCost, logGroupKind } from './estimate.js';
import { USAGE_ASSUMPTIONS } from './usage.js';

const line = (report: ReturnType<typeof estimateCost>, name: string) => report.resources.find((l) => l.name === name)!;

describe('estimateCost on a small synthetic plan', () => {
  const dev = estimateCost(smallPlan('dev', true));

  it('prices the NAT instance, its Elastic IP and the consolidated host as fixed costs', () => {
    // t4g.nano 3.50 + 8 GB gp3 0.76; the EIP replaces the auto-assigned address.
    expect(line(dev, 'nat')).toMatchObject({ fixed: 4.27, usage: 0, monthly: 4.27, layer: 'foundation' });
    expect(line(dev, 'nat-eip')).toMatchObject({ fixed: 3.65 });
    expect(line(dev, 'consolidated-asg')).toMatchObject({ fixed: 20.38 });
    expect(line(dev, 'consolidated-asg').basis).toContain('1 x t3.small');
  });

  it('prices the Cognito M2M app client ($6/month) with its token requests, the web client at nothing', () => {
    expect(line(dev, 'cognito-m2m-client')).toMatchObject({ fixed: 6, usage: 3.38, monthly: 9.38, layer: 'persistent' });
    expect(line(dev, 'cognito-m2m-client').basis).toContain('M2M app client $6.00');
    expect(line(dev, 'cognito-web-client').monthly).toBe(0);
  });

  it('prices RDS single-AZ in dev and Multi-AZ in prod, with the managed secret', () => {
    expect(line(dev, 'mlflow-db').fixed).toBe(17.01);
    const prod = estimateCost(smallPlan('prod', false));
    expect(line(prod, 'mlflow-db').fixed).toBe(68.12);
    expect(line(prod, 'mlflow-db').basis).toContain('Multi-AZ (x2)');
  });

  it('prices Fargate services from their task definitions, and the strategy task by run-time', () => {
    expect(line(dev, 'live-trading')).toMatchObject({ fixed: 20.72 });
    const usage = USAGE_ASSUMPTIONS.dev;
    const hours = (usage.backtestsPerMonth * usage.backtestTaskMinutes + usage.trainingsPerMonth * usage.trainingTaskMinutes) / 60;
    expect(line(dev, 'strategy-task').usage).toBeCloseTo(hours * (0.04656 + 2 * 0.00511), 2);
    // The live-trading task definition is run by its service: no usage line of its own.
    expect(dev.resources.some((l) => l.name === 'live-trading-task')).toBe(false);
  });

  it('counts scheduled invocations from the plan\'s schedule expression', () => {
    expect(line(dev, 'heartbeat-monitor').basis).toMatch(/^8,760 calls\/month \(rate\(5 minutes\)\)/);
    expect(line(dev, 'backtest-consumer').basis).toContain('300 backtests/month from SQS');
    expect(line(dev, 'backtest').basis).toContain('Lambda long polling');
  });

  it('adds bot heartbeats to trading_state writes', () => {
    expect(line(dev, 'trading-state').basis).toContain(`${(30_000 + 2 * 43_800).toLocaleString('en-US')} writes`);
  });

  it('separates fixed and usage, totals them per layer, and lists what it cannot price', () => {
    const sum = (f: (l: (typeof dev.resources)[number]) => number) => Math.round(dev.resources.reduce((s, l) => s + f(l), 0) * 100) / 100;
    expect(dev.monthlyTotal).toBe(sum((l) => l.monthly));
    expect(dev.fixedTotal).toBe(sum((l) => l.fixed));
    expect(dev.usageTotal).toBe(sum((l) => l.usage));
    expect(dev.fixedTotal + dev.usageTotal).toBeCloseTo(dev.monthlyTotal, 2);
    const layers = Object.values(dev.byLayer).reduce((s, l) => s + l.monthly, 0);
    expect(layers).toBeCloseTo(dev.monthlyTotal, 2);
    expect(dev.unpriced).toEqual([{ type: 'aws:appsync/graphQLApi:GraphQLApi', name: 'mystery', reason: 'no price model for this resource type' }]);
    expect(dev.noCharge['aws:iam/role:Role']).toBe(1);
    expect(dev.currency).toBe('USD');
    expect(dev.region).toBe('eu-central-1');
  });

  it('costs more in prod than in dev', () => {
    expect(estimateCost(smallPlan('prod', false)).monthlyTotal).toBeGreaterThan(dev.monthlyTotal);
  });
});

describe('helpers', () => {
  it('counts states including nested branches', () => {
    expect(countStates({ States: { A: { Type: 'Task' }, P: { Type: 'Parallel', Branches: [{ States: { B: {}, C: {} } }] }, M: { Type: 'Map', ItemProcessor: { States: { D: {} } } } } })).toBe(6);
  });

  it('classifies log groups by name', () => {
    expect(logGroupKind('/aws/lambda/tradai-x-dev')).toBe('lambda');
    expect(logGroupKind('/aws/vpc/flow-logs/tradai-vpc-dev')).toBe('flow');
    expect(logGroupKind('/ecs/tradai-mlflow-dev')).toBe('ecs');
    expect(logGroupKind('/aws/vendedlogs/states/tradai-backtest-workflow-dev')).toBe('other');
    expect(logGroupKind('/aws/rds/instance/tradai-mlflow-db-dev/postgresql')).toBe('other');
  });
});
