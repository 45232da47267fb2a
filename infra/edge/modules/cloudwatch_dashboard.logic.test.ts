import { describe, expect, it } from 'vitest';
import { GRID_COLUMNS, buildDashboardBody, dashboardUrl, ecsNameFromArn, layoutWidgets, type DashboardInput, type Widget } from './cloudwatch_dashboard.logic.js';

const input: DashboardInput = {
  env: 'prod',
  region: 'eu-central-1',
  clusterName: 'tradai-cluster-prod',
  ecsServices: { 'backend-api': 'tradai-backend-api-prod', 'live-trading': 'tradai-live-trading-prod' },
  lambdaFunctions: { 'health-check': 'tradai-health-check-prod', rollback: 'tradai-rollback-prod' },
  rdsInstanceIdentifier: 'tradai-mlflow-db-prod',
  apiId: 'api123',
  stateMachines: { backtest: 'arn:sm:backtest', retraining: 'arn:sm:retraining' },
  alarmArns: ['arn:alarm:composite', 'arn:alarm:a'],
};

type Metric = (string | Record<string, string>)[];
const metricsOf = (w: Widget) => w.properties['metrics'] as Metric[];
const titled = (widgets: Widget[], prefix: string) => widgets.filter((w) => String(w.properties['title'] ?? '').startsWith(prefix));

describe('buildDashboardBody', () => {
  const { widgets } = buildDashboardBody(input);

  it('has ECS, Lambda, RDS, API Gateway and Step Functions widgets plus alarm status', () => {
    expect(titled(widgets, 'ECS')).toHaveLength(2);
    expect(titled(widgets, 'Lambda')).toHaveLength(4);
    expect(titled(widgets, 'RDS')).toHaveLength(3);
    expect(titled(widgets, 'API Gateway')).toHaveLength(2);
    expect(titled(widgets, 'Step Functions')).toHaveLength(2);
    expect(widgets.find((w) => w.type === 'alarm')!.properties['alarms']).toEqual(['arn:alarm:composite', 'arn:alarm:a']);
  });

  it('plots every ECS service in its cluster and every function', () => {
    const cpu = metricsOf(titled(widgets, 'ECS services: CPU')[0]!);
    expect(cpu).toContainEqual(['AWS/ECS', 'CPUUtilization', 'ClusterName', 'tradai-cluster-prod', 'ServiceName', 'tradai-live-trading-prod', { label: 'live-trading' }]);
    const errors = metricsOf(titled(widgets, 'Lambda: errors')[0]!);
    expect(errors.map((m) => m[3])).toEqual(['tradai-health-check-prod', 'tradai-rollback-prod']);
  });

  it('uses the API id, the RDS instance and both state machine ARNs', () => {
    expect(metricsOf(titled(widgets, 'API Gateway: requests')[0]!).map((m) => m[1])).toEqual(['Count', '4xx', '5xx']);
    expect(metricsOf(titled(widgets, 'API Gateway: requests')[0]!).every((m) => m[3] === 'api123')).toBe(true);
    expect(metricsOf(titled(widgets, 'RDS: free storage')[0]!)[0]![3]).toBe('tradai-mlflow-db-prod');
    expect(metricsOf(titled(widgets, 'Step Functions: retraining')[0]!).map((m) => m[1])).toContain('ExecutionsFailed');
    expect(metricsOf(titled(widgets, 'Step Functions: retraining')[0]!).every((m) => m[3] === 'arn:sm:retraining')).toBe(true);
  });

  it('shows the consolidated instance only in consolidated mode', () => {
    expect(titled(widgets, 'Consolidated EC2')).toHaveLength(0);
    const consolidated = buildDashboardBody({ ...input, consolidatedAsgName: 'tradai-consolidated-dev' }).widgets;
    expect(metricsOf(titled(consolidated, 'Consolidated EC2')[0]!)[0]).toContain('tradai-consolidated-dev');
  });

  it('places every widget inside the grid without overlaps, in the region', () => {
    const cells = new Set<string>();
    for (const w of widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(GRID_COLUMNS);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
      if (w.type === 'metric') expect(w.properties['region']).toBe('eu-central-1');
    }
    expect(JSON.parse(JSON.stringify({ widgets }))).toEqual({ widgets });
  });

  it('refuses more alarms than one status widget shows', () => {
    expect(() => buildDashboardBody({ ...input, alarmArns: Array.from({ length: 101 }, (_, i) => `a${i}`) })).toThrow('101 alarms');
  });
});

describe('helpers', () => {
  it('wraps rows at the grid width', () => {
    const w = (width: number): Widget => ({ type: 'text', x: 0, y: 0, width, height: 2, properties: {} });
    const placed = layoutWidgets([w(12), w(12), w(8)]);
    expect(placed.map((p) => [p.x, p.y])).toEqual([[0, 0], [12, 0], [0, 2]]);
    expect(() => layoutWidgets([w(25)])).toThrow('the grid has 24');
  });

  it('builds the console URL', () => {
    expect(dashboardUrl('eu-central-1', 'tradai-operations-dev')).toBe('https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#dashboards/dashboard/tradai-operations-dev');
  });

  it('reads ECS names from cluster and service ARNs', () => {
    expect(ecsNameFromArn('arn:aws:ecs:eu-central-1:123456789012:cluster/tradai-cluster-dev')).toBe('tradai-cluster-dev');
    expect(ecsNameFromArn('arn:aws:ecs:eu-central-1:123456789012:service/tradai-cluster-dev/tradai-mlflow-dev')).toBe('tradai-mlflow-dev');
    expect(() => ecsNameFromArn('nope')).toThrow('is not an ECS cluster or service ARN');
  });
});
