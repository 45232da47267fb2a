import type { WorkflowStatus } from '@tradai/contracts';

/**
 * Item shapes per table. Attribute names are snake_case like the keys in TABLE_SCHEMAS; every
 * writer and reader of a table imports its item type from here, so they agree on the fields.
 * Timestamps are ISO-8601 strings (sortable as range keys); `expires_at` is epoch seconds (TTL).
 */

export interface WorkflowItem {
  workflow_id: string;
  workflow_type: 'backtest' | 'retraining';
  status: WorkflowStatus;
  strategy?: string;
  request_id?: string;
  execution_arn?: string;
  /** ECS task ARN of the running strategy task, when known (orphan-cleanup stops it). */
  task_arn?: string;
  created_at: string;
  updated_at: string;
  error?: string;
  result_key?: string;
  metrics?: BacktestMetrics;
  /** Last status an SNS notification was published for (update-status re-publishes after a failed publish). */
  notified_status?: WorkflowStatus;
  request?: Record<string, unknown>;
  expires_at?: number;
}

/** Summary metrics of a backtest (consume-results). */
export interface BacktestMetrics {
  total_return: number;
  /** Annualised Sharpe ratio of per-candle returns (risk-free 0); null when returns have no variance. */
  sharpe: number | null;
  periods_per_year: number;
  /** Largest peak-to-trough equity fall, as a positive fraction (0.25 = 25 %). */
  max_drawdown: number;
  /** Winning trades / trades; null without trades. */
  win_rate: number | null;
  trade_count: number;
  final_equity: number;
  /** Compound annual growth rate over the curve's span; -1 after ruin; null under 30 days (see CAGR_MIN_DAYS). */
  cagr: number | null;
  /** Annualised Sortino ratio (target 0); null without a losing period. */
  sortino: number | null;
  /** Longest time below a previous equity peak, in milliseconds. */
  max_drawdown_duration_ms: number;
  /** Gross profit / gross loss of the trades; null when no trade lost (or no trades). */
  profit_factor: number | null;
  /** Fraction of the curve's span with at least one open trade (0..1). */
  exposure: number;
}

export interface HealthItem {
  service: string;
  status: 'healthy' | 'unhealthy';
  checked_at: string;
  latency_ms?: number;
  http_status?: number;
  error?: string;
  /** When the status last changed (alerts fire on transitions only). */
  changed_at?: string;
  consecutive_failures?: number;
}

export interface TradingItem {
  bot_id: string;
  strategy: string;
  mode?: 'live' | 'dry-run' | 'shadow';
  last_heartbeat_at: string;
  pnl?: number;
  pnl_ratio?: number;
  max_drawdown?: number;
  trade_count?: number;
  deployment_id?: string;
  updated_at?: string;
  /** Strategy config version the bot runs (trading engine). */
  config_version?: number;
  /** Open positions as the bot last reported them (backend-api's trading status shows them). */
  positions?: TradingPosition[];
  /** Operator's kill switch: while true the bot opens and closes nothing (read every cycle). */
  kill_switch?: boolean;
  /** Set while the daily loss limit halts new entries: the UTC day (YYYY-MM-DD) it applies to. */
  halted_day?: string;
  /** Cash + open positions marked at the last close, in quote. */
  equity?: number;
}

/** One open position of a bot (TradingItem.positions). Times ISO-8601. */
export interface TradingPosition {
  symbol: string;
  side: 'long' | 'short';
  amount: number;
  open_price: number;
  opened_at: string;
}

export interface DeploymentItem {
  strategy: string;
  deployed_at: string;
  deployment_id: string;
  config_version: number;
  model_name?: string;
  model_version?: string;
  image?: string;
  source: 'promote-model' | 'strategy-registrar' | 'rollback';
  status?: 'active' | 'verifying' | 'verified' | 'rolled_back' | 'registered';
  previous_deployment_id?: string;
  /** Set by rollback: the older deployment this one restores. */
  restored_deployment_id?: string;
  /** Set by deployment-verifier when a `verifying` deployment passes its window. */
  verified_at?: string;
  /**
   * Set by deployment-verifier, conditionally, when it asks for this deployment's rollback (the
   * rollback_state record's requested_at): of two verifiers that saw the regression, one asks.
   */
  rollback_requested_at?: string;
}

export interface DriftItem {
  strategy: string;
  measured_at: string;
  /** Drift score in [0, 1]; compared with DRIFT_THRESHOLD. */
  drift: number;
  data_drift?: number;
  model_drift?: number;
  retraining_started?: boolean;
}

export type RetrainingStatus = 'SKIPPED' | 'TRAINING' | 'PROMOTED' | 'REJECTED' | 'FAILED';

export interface RetrainingItem {
  strategy: string;
  started_at: string;
  status: RetrainingStatus;
  workflow_id?: string;
  reasons?: string[];
  drift?: number | null;
  model_age_days?: number | null;
  model_name?: string;
  candidate_version?: string;
  champion_version?: string | null;
  candidate_metric?: number;
  champion_metric?: number | null;
  decision?: 'promote' | 'reject';
  decided_at?: string;
  /** When the candidate was promoted: the time "last training" is measured from. */
  completed_at?: string;
  deployment_id?: string;
}

export interface RollbackItem {
  strategy: string;
  requested_at: string;
  reason: string;
  requested_by: string;
  from_deployment_id?: string;
  to_deployment_id?: string;
  to_config_version?: number;
  status: 'REQUESTED' | 'COMPLETED' | 'FAILED';
  error?: string;
}

export interface ShadowTestItem {
  test_id: string;
  strategy: string;
  status: 'RUNNING' | 'PROMOTE' | 'REJECT';
  started_at: string;
  candidate_config_version?: number;
  candidate_bot_id?: string;
  live_bot_id?: string;
  decided_at?: string;
  reason?: string;
}

export interface NotificationItem {
  dedup_key: string;
  type: string;
  severity: string;
  source: string;
  subject: string;
  message: string;
  first_seen_at: string;
  last_seen_at: string;
  /** Notifications folded into this record during the window (1 = first). */
  count: number;
  /** SNS message ids seen, so a redelivered message is not counted twice. */
  message_ids: Set<string>;
  expires_at: number;
}

export interface InfraDriftItem {
  resource_id: string;
  detected_at: string;
  kind: string;
  expected: string;
  actual: string;
}

export interface ConfigVersionItem {
  strategy: string;
  /** Monotonic per strategy, starting at 1. */
  version: number;
  /** Key of the StrategyConfigFile in the configs bucket. */
  config_key: string;
  /** Image reference pinned by digest: `<repo uri>@sha256:...`. */
  image: string;
  image_tag?: string;
  model_name?: string;
  model_version?: string;
  created_at: string;
  source: 'strategy-registrar' | 'promote-model' | 'rollback' | 'strategy-service';
  git_sha?: string;
  /** Set by rollback: the version whose content this version restores. */
  restored_from?: number;
  /** Set by promote-model: the deployment this version was created for, so a retry finds it. */
  deployment_id?: string;
}
