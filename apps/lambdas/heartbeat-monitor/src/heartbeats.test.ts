import { describe, expect, it } from 'vitest';
import { findStaleBots, staleHeartbeatDatum } from './heartbeats.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const agoMs = (ms: number) => new Date(NOW - ms).toISOString();
const ago = (s: number) => agoMs(s * 1000);
const one = (lastHeartbeatAt: string, staleSeconds = 180) => findStaleBots([{ bot_id: 'b', strategy: 's', last_heartbeat_at: lastHeartbeatAt }], NOW, staleSeconds);

describe('findStaleBots', () => {
  it('flags bots older than the threshold, not those at or under it, keeping their order', () => {
    const stale = findStaleBots(
      [
        { bot_id: 'old', strategy: 't', last_heartbeat_at: ago(181) },
        { bot_id: 'fresh', strategy: 's', last_heartbeat_at: ago(10) },
        { bot_id: 'edge', strategy: 's', last_heartbeat_at: ago(180) },
        { bot_id: 'older', strategy: 'u', last_heartbeat_at: ago(3600) },
      ],
      NOW,
      180,
    );
    expect(stale).toEqual([
      { botId: 'old', strategy: 't', ageSeconds: 181 },
      { botId: 'older', strategy: 'u', ageSeconds: 3600 },
    ]);
  });

  // Age is counted in whole seconds (floor), and a bot is stale only when that age is MORE than
  // HEARTBEAT_STALE_SECONDS: a beat 180.999 s ago is still within a 180 s threshold.
  it.each([
    { ageMs: 179_000, stale: false },
    { ageMs: 179_999, stale: false },
    { ageMs: 180_000, stale: false },
    { ageMs: 180_001, stale: false },
    { ageMs: 180_999, stale: false },
    { ageMs: 181_000, stale: true, ageSeconds: 181 },
    { ageMs: 181_001, stale: true, ageSeconds: 181 },
  ])('threshold 180 s: a heartbeat $ageMs ms old is stale: $stale', ({ ageMs, stale, ageSeconds }) => {
    expect(one(agoMs(ageMs))).toEqual(stale ? [{ botId: 'b', strategy: 's', ageSeconds }] : []);
  });

  it('uses the threshold it is given (1 s: 1 s old is fine, 2 s is stale)', () => {
    expect(one(ago(1), 1)).toEqual([]);
    expect(one(ago(2), 1)).toEqual([{ botId: 'b', strategy: 's', ageSeconds: 2 }]);
  });

  it('does not flag a heartbeat from the future (clock skew between bot and monitor)', () => {
    expect(one(agoMs(-5_000))).toEqual([]);
  });

  it('counts a row without a parseable heartbeat as stale, and still checks the rows after it', () => {
    const stale = findStaleBots(
      [
        { bot_id: 'b', strategy: 's', last_heartbeat_at: 'yesterday' },
        { bot_id: 'missing', strategy: 's' } as never,
        // Epoch milliseconds instead of ISO text is not a heartbeat the contract knows.
        { bot_id: 'number', strategy: 's', last_heartbeat_at: NOW - 1_000 } as never,
        // Nor a bare number Date.parse would read as a year (2026 -> 2026-01-01).
        { bot_id: 'year', strategy: 's', last_heartbeat_at: 2026 } as never,
        { bot_id: 'old', strategy: 's', last_heartbeat_at: ago(500) },
      ],
      NOW,
      180,
    );
    expect(stale).toEqual([
      { botId: 'b', strategy: 's', ageSeconds: null },
      { botId: 'missing', strategy: 's', ageSeconds: null },
      { botId: 'number', strategy: 's', ageSeconds: null },
      { botId: 'year', strategy: 's', ageSeconds: null },
      { botId: 'old', strategy: 's', ageSeconds: 500 },
    ]);
  });
});

describe('staleHeartbeatDatum', () => {
  it('is the TradAI/StaleHeartbeats metric with the Environment dimension', () => {
    const at = new Date(NOW);
    expect(staleHeartbeatDatum(2, 'prod', at)).toEqual({ MetricName: 'StaleHeartbeats', Dimensions: [{ Name: 'Environment', Value: 'prod' }], Value: 2, Unit: 'Count', Timestamp: at });
  });
});
