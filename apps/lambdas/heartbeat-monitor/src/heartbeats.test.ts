import { describe, expect, it } from 'vitest';
import { findStaleBots, staleHeartbeatDatum } from './heartbeats.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe('findStaleBots', () => {
  it('flags bots older than the threshold, not those at or under it', () => {
    const stale = findStaleBots(
      [
        { bot_id: 'fresh', strategy: 's', last_heartbeat_at: ago(10) },
        { bot_id: 'edge', strategy: 's', last_heartbeat_at: ago(180) },
        { bot_id: 'old', strategy: 't', last_heartbeat_at: ago(181) },
      ],
      NOW,
      180,
    );
    expect(stale).toEqual([{ botId: 'old', strategy: 't', ageSeconds: 181 }]);
  });

  it('counts a row without a parseable heartbeat as stale', () => {
    const stale = findStaleBots([{ bot_id: 'b', strategy: 's', last_heartbeat_at: 'yesterday' }], NOW, 180);
    expect(stale).toEqual([{ botId: 'b', strategy: 's', ageSeconds: null }]);
  });
});

describe('staleHeartbeatDatum', () => {
  it('is the TradAI/StaleHeartbeats metric with the Environment dimension', () => {
    const at = new Date(NOW);
    expect(staleHeartbeatDatum(2, 'prod', at)).toEqual({ MetricName: 'StaleHeartbeats', Dimensions: [{ Name: 'Environment', Value: 'prod' }], Value: 2, Unit: 'Count', Timestamp: at });
  });
});
