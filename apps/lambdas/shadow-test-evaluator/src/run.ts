import type { SNSClient } from '@aws-sdk/client-sns';
import { NotFoundError, ScheduledEvent, parseEvent, publishAlert, type ShadowTestItem, type Table, type TradingItem } from '@tradai/domain';
import { createLogger } from '@tradai/lambda-core';
import * as z from 'zod/mini';
import { evaluateShadowTest, type Evaluation, type ShadowSettings } from './evaluate.js';

const logger = createLogger('shadow-test-evaluator');

/** Scheduled (evaluate every RUNNING test) or invoked for one test. */
export const EvaluateEvent = z.extend(ScheduledEvent, {
  testId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});

export interface Deps {
  readonly tests: Table<ShadowTestItem>;
  readonly trading: Table<TradingItem>;
  readonly sns: SNSClient;
  readonly alertsTopicArn: string;
  readonly environment: string;
  readonly settings: ShadowSettings;
  readonly now: () => Date;
}

export type TestOutcome = Evaluation | { readonly kind: 'already-decided'; readonly testId: string; readonly decision: string };

async function evaluateOne(test: ShadowTestItem, deps: Deps, now: Date): Promise<TestOutcome> {
  if (test.status !== 'RUNNING') return { kind: 'already-decided', testId: test.test_id, decision: test.status };
  const bots = await deps.trading.query(test.strategy, { index: 'strategy-index' });
  const ev = evaluateShadowTest(test, bots, deps.settings, now.getTime());
  if (ev.kind === 'wait') return ev;
  // Alert first, then record: if SNS fails the test stays RUNNING and is decided again next run
  // (the dedup key folds a repeated alert); recording first could lose the alert for good.
  await publishAlert(deps.sns, deps.alertsTopicArn, {
    type: 'shadow_test.decision',
    severity: 'info',
    source: 'shadow-test-evaluator',
    subject: `[tradai-${deps.environment}] shadow test ${test.test_id} (${test.strategy}): ${ev.decision}`.slice(0, 100),
    message: ev.reason,
    occurredAt: now.toISOString(),
    dedupKey: `shadow:${test.test_id}:${ev.decision}`,
    details: { testId: test.test_id, strategy: test.strategy, decision: ev.decision, shadowPnl: ev.shadowPnl, livePnl: ev.livePnl },
  });
  // Conditional on still RUNNING: a concurrent or duplicate evaluation cannot overwrite a decision.
  const updated = await deps.tests.update({ test_id: test.test_id }, { status: ev.decision, decided_at: now.toISOString(), reason: ev.reason }, { status: 'RUNNING' });
  if (!updated) {
    const current = await deps.tests.get({ test_id: test.test_id });
    return { kind: 'already-decided', testId: test.test_id, decision: current?.status ?? 'unknown' };
  }
  return ev;
}

/**
 * Decides every RUNNING shadow test old enough (or the one named). One test's failure does not
 * stop the others; the run then throws naming every failed test.
 */
export async function run(event: unknown, deps: Deps): Promise<TestOutcome[]> {
  const e = parseEvent(EvaluateEvent, event, 'shadow-test-evaluator event');
  let tests: ShadowTestItem[];
  if (e.testId) {
    const test = await deps.tests.get({ test_id: e.testId });
    if (!test) throw new NotFoundError(`shadow test ${e.testId} not found`);
    tests = [test];
  } else {
    tests = await deps.tests.query('RUNNING', { index: 'status-index' });
  }
  const now = deps.now();
  const outcomes: TestOutcome[] = [];
  const failures: string[] = [];
  for (const test of tests) {
    try {
      outcomes.push(await evaluateOne(test, deps, now));
    } catch (err) {
      failures.push(`${test.test_id}: ${(err as Error).message}`);
      logger.error('shadow test evaluation failed', { testId: test.test_id, error: err as Error });
    }
  }
  logger.info('shadow tests evaluated', { outcomes });
  if (failures.length) throw new Error(`shadow test evaluation failed for ${failures.length} of ${tests.length} test(s): ${failures.join('; ')}`);
  return outcomes;
}
