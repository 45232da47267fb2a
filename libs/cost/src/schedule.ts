import { DAYS_PER_MONTH, HOURS_PER_MONTH, MINUTES_PER_MONTH } from './prices.js';

const DAYS_OF_WEEK = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** How many values a cron field selects out of `size` (`*`, `?`, `*\/k`, `a-b`, `a,b`, `a-b/k`). */
export function cronFieldCount(field: string, size: number, names: readonly string[] = []): number {
  if (field === '*' || field === '?') return size;
  let total = 0;
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    const value = (v: string) => (names.includes(v.toUpperCase()) ? names.indexOf(v.toUpperCase()) : Number(v));
    if (range === '*') total += Math.ceil(size / step);
    else if (range.includes('-')) {
      const [a, b] = range.split('-').map(value) as [number, number];
      // A range may wrap (SAT-SUN, 22-2).
      total += Math.floor(((b - a + size) % size) / step) + 1;
    } else total += stepText ? Math.ceil((size - value(range)) / step) : 1;
  }
  if (!Number.isFinite(total) || total <= 0) throw new Error(`cron field "${field}" is not understood`);
  return Math.min(total, size);
}

/**
 * Invocations per 730-hour month of an EventBridge schedule expression: `rate(N unit)` exactly,
 * `cron(min hour dom month dow year)` by counting the minute and hour fields per day and the days
 * a month selects (day-of-month or day-of-week, whichever is not `?`).
 * @throws Error naming the expression when it is neither form
 */
export function invocationsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const per = rate[2]!.startsWith('minute') ? MINUTES_PER_MONTH : rate[2]!.startsWith('hour') ? HOURS_PER_MONTH : DAYS_PER_MONTH;
    return per / n;
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) {
    const [minute, hour, dom, month, dow] = cron[1]!.trim().split(/\s+/) as [string, string, string, string, string];
    const perDay = cronFieldCount(minute, 60) * cronFieldCount(hour, 24);
    const daysPerMonth = dom !== '?' && dom !== '*' ? cronFieldCount(dom, 31) : dow !== '?' && dow !== '*' ? (cronFieldCount(dow, 7, DAYS_OF_WEEK) * DAYS_PER_MONTH) / 7 : DAYS_PER_MONTH;
    const monthShare = cronFieldCount(month, 12) / 12;
    return perDay * daysPerMonth * monthShare;
  }
  throw new Error(`"${expression}" is not an EventBridge schedule expression (rate(...) or cron(...))`);
}
