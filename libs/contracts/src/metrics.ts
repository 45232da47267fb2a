/** A CloudWatch custom metric: the Lambda that publishes it and the alarm that watches it share this. */
export interface CustomMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** The single dimension; its value is the environment (dev | staging | prod). */
  readonly dimensionName: string;
}

/** Namespace of every TradAI custom metric. */
export const METRICS_NAMESPACE = 'TradAI';

/**
 * Number of trading bots whose heartbeat is stale: heartbeat-monitor publishes one datapoint per
 * run (0 when all are fresh) and the edge stack's stale-heartbeat alarm watches it.
 */
export const STALE_HEARTBEAT_METRIC: CustomMetric = { namespace: METRICS_NAMESPACE, metricName: 'StaleHeartbeats', dimensionName: 'Environment' };
