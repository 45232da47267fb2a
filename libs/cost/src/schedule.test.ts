import { describe, expect, it } from 'vitest';
import { cronFieldCount, invocationsPerMonth } from './schedule.js';

describe('invocationsPerMonth', () => {
  it('counts rate expressions over 730 hours', () => {
    expect(invocationsPerMonth('rate(1 minute)')).toBe(43_800);
    expect(invocationsPerMonth('rate(5 minutes)')).toBe(8_760);
    expect(invocationsPerMonth('rate(1 hour)')).toBe(730);
    expect(invocationsPerMonth('rate(2 days)')).toBeCloseTo(730 / 48, 8);
  });

  it('counts cron expressions', () => {
    expect(invocationsPerMonth('cron(0 6 * * ? *)')).toBeCloseTo(730 / 24, 8);
    expect(invocationsPerMonth('cron(0 */6 * * ? *)')).toBeCloseTo((4 * 730) / 24, 8);
    expect(invocationsPerMonth('cron(0/15 9-17 ? * MON-FRI *)')).toBeCloseTo(((4 * 9 * 5) / 7) * (730 / 24), 6);
    expect(invocationsPerMonth('cron(0 0 1 * ? *)')).toBe(1);
  });

  it('names an expression it cannot read', () => {
    expect(() => invocationsPerMonth('every day')).toThrow('"every day" is not an EventBridge schedule expression');
  });

  it('counts cron fields', () => {
    expect(cronFieldCount('*', 60)).toBe(60);
    expect(cronFieldCount('0,30', 60)).toBe(2);
    expect(cronFieldCount('10-20/5', 60)).toBe(3);
    const days = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    expect(cronFieldCount('MON-FRI', 7, days)).toBe(5);
    expect(cronFieldCount('SAT-SUN', 7, days)).toBe(2);
    expect(cronFieldCount('22-2', 24)).toBe(5);
  });
});
