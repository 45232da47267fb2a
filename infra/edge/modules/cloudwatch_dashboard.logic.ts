import type { Environment } from '@tradai/infra-shared';

/** What the dashboard shows, as plain values (the module resolves the Outputs first). */
export interface DashboardInput {
  readonly env: Environment;
  readonly region: string;
  readonly clusterName: string;
  /** ECS service name per service key: the Fargate services (consolidated ones run on EC2). */
  readonly ecsServices: Readonly<Record<string, string>>;
  /** The consolidated EC2 Auto Scaling group, in consolidated mode. */
  readonly consolidatedAsgName?: string;
  /** function key -> deployed function name. */
  readonly lambdaFunctions: Readonly<Record<string, string>>;
  readonly rdsInstanceIdentifier: string;
  readonly apiId: string;
  /** workflow (`backtest`, `retraining`) -> state machine ARN. */
  readonly stateMachines: Readonly<Record<string, string>>;
  /** Alarms whose state the status widget shows (composite first). */
  readonly alarmArns: readonly string[];
}

/** One metric line: namespace, metric, dimension name/value pairs, then rendering options. */
type MetricLine = (string | { label?: string; stat?: string; yAxis?: 'left' | 'right' })[];

export interface Widget {
  readonly type: 'text' | 'metric' | 'alarm';
  x: number;
  y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** Dashboard grid width (CloudWatch: 24 columns). */
export const GRID_COLUMNS = 24;
/** CloudWatch allows at most 100 alarms in one alarm-status widget. */
export const MAX_ALARMS_PER_WIDGET = 100;
const PERIOD = 300;

const sized = (type: Widget['type'], width: number, height: number, properties: Record<string, unknown>): Widget => ({ type, x: 0, y: 0, width, height, properties });

function metricWidget(region: string, title: string, metrics: MetricLine[], stat: string, width = 12): Widget {
  return sized('metric', width, 6, { title, region, metrics, stat, period: PERIOD, view: 'timeSeries', stacked: false });
}

/** Flows widgets left to right, wrapping at the grid width (rows as tall as their tallest widget). */
export function layoutWidgets(widgets: Widget[]): Widget[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const w of widgets) {
    if (w.width > GRID_COLUMNS) throw new Error(`dashboard widget "${String(w.properties['title'] ?? w.type)}" is ${w.width} columns wide; the grid has ${GRID_COLUMNS}`);
    if (x + w.width > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    w.x = x;
    w.y = y;
    x += w.width;
    rowHeight = Math.max(rowHeight, w.height);
  }
  return widgets;
}

/** Lines for one metric over several resources sharing one dimension. */
const perResource = (namespace: string, metric: string, dimension: string, resources: Readonly<Record<string, string>>, extra: string[] = []): MetricLine[] =>
  Object.entries(resources).map(([label, value]) => [namespace, metric, ...extra, dimension, value, { label }]);

/**
 * The operations dashboard body: alarm status, ECS (and the consolidated instance), Lambda, RDS,
 * API Gateway and Step Functions widgets. Pure; the module serialises it with JSON.stringify.
 */
export function buildDashboardBody(input: DashboardInput): { widgets: Widget[] } {
  const { region } = input;
  if (input.alarmArns.length > MAX_ALARMS_PER_WIDGET) {
    throw new Error(`dashboard: ${input.alarmArns.length} alarms exceed the ${MAX_ALARMS_PER_WIDGET} one status widget can show`);
  }
  const widgets: Widget[] = [
    sized('text', GRID_COLUMNS, 2, {
      markdown: `# TradAI operations: ${input.env}\nECS cluster \`${input.clusterName}\`, API \`${input.apiId}\`, database \`${input.rdsInstanceIdentifier}\`. Alarms notify the alerts topic.`,
    }),
    sized('alarm', GRID_COLUMNS, 3, { title: 'Alarm status', alarms: [...input.alarmArns] }),
  ];

  // ECS: the Fargate services (none of the consolidated four in consolidated mode).
  const ecs = (metric: string): MetricLine[] => perResource('AWS/ECS', metric, 'ServiceName', input.ecsServices, ['ClusterName', input.clusterName]);
  widgets.push(metricWidget(region, 'ECS services: CPU %', ecs('CPUUtilization'), 'Average'), metricWidget(region, 'ECS services: memory %', ecs('MemoryUtilization'), 'Average'));
  if (input.consolidatedAsgName) {
    const asg = input.consolidatedAsgName;
    widgets.push(
      metricWidget(region, 'Consolidated EC2: CPU % and status checks', [
        ['AWS/EC2', 'CPUUtilization', 'AutoScalingGroupName', asg, { label: 'CPU %', stat: 'Average' }],
        ['AWS/EC2', 'StatusCheckFailed', 'AutoScalingGroupName', asg, { label: 'status check failed', stat: 'Maximum', yAxis: 'right' }],
      ], 'Average', GRID_COLUMNS),
    );
  }

  const lambda = (metric: string) => perResource('AWS/Lambda', metric, 'FunctionName', input.lambdaFunctions);
  widgets.push(
    metricWidget(region, 'Lambda: invocations', lambda('Invocations'), 'Sum'),
    metricWidget(region, 'Lambda: errors', lambda('Errors'), 'Sum'),
    metricWidget(region, 'Lambda: duration p95 (ms)', lambda('Duration'), 'p95'),
    metricWidget(region, 'Lambda: throttles', lambda('Throttles'), 'Sum'),
  );

  const rds = (metric: string, label: string, stat: string): MetricLine => ['AWS/RDS', metric, 'DBInstanceIdentifier', input.rdsInstanceIdentifier, { label, stat }];
  widgets.push(
    metricWidget(region, 'RDS: CPU %', [rds('CPUUtilization', 'CPU %', 'Average')], 'Average', 8),
    metricWidget(region, 'RDS: free storage (bytes)', [rds('FreeStorageSpace', 'free storage', 'Minimum')], 'Minimum', 8),
    metricWidget(region, 'RDS: connections', [rds('DatabaseConnections', 'connections', 'Maximum')], 'Maximum', 8),
  );

  const api = (metric: string, label: string, stat: string, yAxis: 'left' | 'right' = 'left'): MetricLine => ['AWS/ApiGateway', metric, 'ApiId', input.apiId, { label, stat, yAxis }];
  widgets.push(
    metricWidget(region, 'API Gateway: requests and errors', [api('Count', 'requests', 'Sum'), api('4xx', '4xx', 'Sum', 'right'), api('5xx', '5xx', 'Sum', 'right')], 'Sum'),
    metricWidget(region, 'API Gateway: latency p95 (ms)', [api('Latency', 'latency', 'p95'), api('IntegrationLatency', 'integration latency', 'p95')], 'p95'),
  );

  for (const [workflow, arn] of Object.entries(input.stateMachines)) {
    const sfn = (metric: string): MetricLine => ['AWS/States', metric, 'StateMachineArn', arn, { label: metric.replace('Executions', '').toLowerCase() }];
    widgets.push(
      metricWidget(region, `Step Functions: ${workflow} executions`, ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map(sfn), 'Sum'),
    );
  }
  return { widgets: layoutWidgets(widgets) };
}

/** Console URL of a dashboard. */
export function dashboardUrl(region: string, dashboardName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}

/** The last path segment of an ECS ARN (`.../cluster/<name>`, `.../service/<cluster>/<name>`). */
export function ecsNameFromArn(arn: string): string {
  const m = /^arn:[\w-]+:ecs:[a-z0-9-]+:\d{12}:(cluster|service)\/(?:[\w-]+\/)?([\w-]+)$/.exec(arn);
  if (!m) throw new Error(`"${arn}" is not an ECS cluster or service ARN`);
  return m[2]!;
}
