import { describe, expect, it } from 'vitest';
import { serviceBotLog } from './log.js';

const collect = () => {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
};

describe('serviceBotLog', () => {
  it('writes one JSON line per event with the service, version, level, message and fields', () => {
    const { lines, stream } = collect();
    const log = serviceBotLog({ name: 'live-trading', version: '1.2.3', logLevel: 'info' }, stream);
    log('error', 'cycle failed', { error: 'exchange down' });
    log('info', 'bot started');
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, service: 'live-trading', version: '1.2.3', component: 'bot', msg: 'cycle failed', error: 'exchange down' }),
      expect.objectContaining({ level: 30, service: 'live-trading', msg: 'bot started' }),
    ]);
  });

  it('drops events below the service log level, and writes nothing when silent', () => {
    const warnOnly = collect();
    const log = serviceBotLog({ name: 'dry-run-trading', version: 'dev', logLevel: 'warn' }, warnOnly.stream);
    log('info', 'cycle', { trades: 1 });
    log('warn', 'order rejected', { clientOrderId: 'x' });
    expect(warnOnly.lines.map((l) => [l['level'], l['msg']])).toEqual([[40, 'order rejected']]);

    const silent = collect();
    serviceBotLog({ name: 'dry-run-trading', version: 'dev', logLevel: 'silent' }, silent.stream)('error', 'cycle failed');
    expect(silent.lines).toEqual([]);
  });
});
