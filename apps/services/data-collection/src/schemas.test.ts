import { describe, expect, it } from 'vitest';
import { isIsoTime } from './schemas.js';

describe('isIsoTime', () => {
  it.each(['2024-01-01', '2024-01-01T12:00Z', '2024-01-01T12:00:00Z', '2024-01-01T12:00:00.5Z', '2024-01-01T12:00:00.000+02:00', '2024-01-01T12:00-05:30'])('accepts %j', (s) => {
    expect(isIsoTime(s)).toBe(true);
  });

  it.each([
    ['+002024-01-01', 'an expanded year'],
    ['x2024-01-01', 'a prefix'],
    ['2024-01-01 12:00', 'a space instead of T'],
    ['2024-01-01T12:00:00', 'a local time (no zone)'],
    ['2024-01-01T12:00:00+0200', 'an offset without colon'],
    ['2024-01-01T12:00:00.0000Z', 'four fraction digits'],
    ['2024-01-01T12:00:00ZZ', 'trailing text'],
    ['2024-02-30x', 'trailing text after a date'],
    ['2024-13-01', 'month 13'],
    ['yesterday', 'words'],
  ])('rejects %j (%s)', (s) => {
    expect(isIsoTime(s)).toBe(false);
  });
});
