import type { ShadowTestItem, TradingItem } from '@tradai/domain';

export interface ShadowSettings {
  /** A test is decided only after running this long. */
  readonly minShadowHours: number;
  /** Shadow must beat live by at least this much PnL ratio (0.01 = 1 percentage point) to be promoted. */
  readonly minPnlEdge: number;
}

export type Evaluation =
  | { readonly kind: 'wait'; readonly testId: string; readonly hoursRun: number; readonly reason: string }
  | {
      readonly kind: 'decided';
      readonly testId: string;
      readonly decision: 'PROMOTE' | 'REJECT';
      readonly reason: string;
      readonly shadowPnl: number | null;
      readonly livePnl: number | null;
    };

/**
 * The bots of each side: the ones the test names, else every bot of the strategy in that mode.
 * Several bots on a side are averaged (one per pair, say).
 */
export function sides(test: ShadowTestItem, bots: readonly TradingItem[]): { shadow: TradingItem[]; live: TradingItem[] } {
  const ofStrategy = bots.filter((b) => b.strategy === test.strategy);
  const pick = (id: string | undefined, mode: 'shadow' | 'live') => (id ? ofStrategy.filter((b) => b.bot_id === id) : ofStrategy.filter((b) => b.mode === mode));
  return { shadow: pick(test.candidate_bot_id, 'shadow'), live: pick(test.live_bot_id, 'live') };
}

function meanPnl(bots: readonly TradingItem[]): number | null {
  const values = bots.map((b) => b.pnl_ratio).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/**
 * Decides a running shadow test. Before `minShadowHours` it waits. After, the candidate is promoted
 * when its PnL ratio beats live by at least `minPnlEdge`; otherwise, or when either side has no
 * PnL to compare, it is rejected (a test that produced no evidence must not promote).
 */
export function evaluateShadowTest(test: ShadowTestItem, bots: readonly TradingItem[], settings: ShadowSettings, nowMs: number): Evaluation {
  const started = Date.parse(test.started_at);
  if (Number.isNaN(started)) throw new Error(`shadow test ${test.test_id}: started_at "${test.started_at}" is not an ISO-8601 time`);
  const hoursRun = (nowMs - started) / 3_600_000;
  if (hoursRun < settings.minShadowHours) {
    return { kind: 'wait', testId: test.test_id, hoursRun, reason: `ran ${hoursRun.toFixed(1)} h of the ${settings.minShadowHours} h minimum` };
  }
  const { shadow, live } = sides(test, bots);
  const shadowPnl = meanPnl(shadow);
  const livePnl = meanPnl(live);
  const base = { kind: 'decided' as const, testId: test.test_id, shadowPnl, livePnl };
  if (shadowPnl === null) return { ...base, decision: 'REJECT', reason: `no PnL from the shadow side (${shadow.length} bot(s)) after ${hoursRun.toFixed(1)} h` };
  if (livePnl === null) return { ...base, decision: 'REJECT', reason: `no PnL from the live side (${live.length} bot(s)) to compare with` };
  const edge = shadowPnl - livePnl;
  const summary = `shadow ${pct(shadowPnl)} vs live ${pct(livePnl)}: edge ${pct(edge)}, minimum ${pct(settings.minPnlEdge)}`;
  return edge >= settings.minPnlEdge ? { ...base, decision: 'PROMOTE', reason: summary } : { ...base, decision: 'REJECT', reason: summary };
}
