import { describe, expect, it } from 'vitest';
import { nextRunAfter } from './next-run.ts';
import { ScheduleFieldError, isSchedulable, parseEndpointSelector, validateCron, validateName, validatePayloadText, validateTimezone } from './validation.ts';

function failure(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof ScheduleFieldError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('expected a ScheduleFieldError');
}

describe('schedule validation (production messages)', () => {
  it.each([
    ['0 * * * * *', 'Invalid cron expression (expected 5 fields: m h dom mon dow)'],
    ['', 'Invalid cron expression (expected 5 fields: m h dom mon dow)'],
    ['0 9 * * MON', 'Invalid cron expression (unsupported characters)'],
    ['@hourly * * * *', 'Invalid cron expression (unsupported characters)'],
    ['0 9 1 * 1', 'Cron cannot set both day-of-month and day-of-week'],
    ['* * * * *', 'Cron too frequent (minimum interval is 5 minutes)'],
    ['*/4 * * * *', 'Cron too frequent (minimum interval is 5 minutes)'],
    [`${'1,'.repeat(64)}1 * * * *`, 'Cron expression too long'],
  ])('should refuse cron %j with %j', (cron, message) => {
    expect(failure(() => validateCron(cron))).toEqual({ field: 'cron', message });
  });

  it('should accept five-field crons every five minutes or slower, trimmed', () => {
    expect(['*/5 * * * *', ' 0 3 * * 1-5 ', '15,45 9-17 1 */2 *'].map(validateCron)).toEqual(['*/5 * * * *', '0 3 * * 1-5', '15,45 9-17 1 */2 *']);
  });

  it('should take IANA zones, default UTC, and refuse others', () => {
    expect([validateTimezone(undefined), validateTimezone(''), validateTimezone('Europe/Berlin')]).toEqual(['UTC', 'UTC', 'Europe/Berlin']);
    expect(failure(() => validateTimezone('Mars/Olympus'))).toEqual({ field: 'timezone', message: 'Invalid timezone' });
    expect(failure(() => validateTimezone('x'.repeat(65)))).toEqual({ field: 'timezone', message: 'Timezone too long' });
  });

  it('should keep payload JSON objects and arrays as text, and refuse the rest', () => {
    expect([validatePayloadText(undefined), validatePayloadText('null'), validatePayloadText('{ "a": 1 }'), validatePayloadText('[1,2]')]).toEqual([null, null, '{"a":1}', '[1,2]']);
    for (const bad of ['42', '"text"', 'not json', 'true']) {
      expect(failure(() => validatePayloadText(bad))).toEqual({ field: 'payload', message: 'Payload must be valid JSON object or array' });
    }
    expect(failure(() => validatePayloadText(JSON.stringify({ big: 'x'.repeat(100_000) })))).toEqual({ field: 'payload', message: 'Payload too large' });
  });

  it('should trim names, drop empty ones and refuse more than 128 characters', () => {
    expect([validateName(undefined), validateName('  '), validateName(' nightly ')]).toEqual([null, null, 'nightly']);
    expect(failure(() => validateName('n'.repeat(129)))).toEqual({ field: 'name', message: 'Name too long' });
  });

  it('should call only GET and POST endpoints without path parameters schedulable', () => {
    expect([isSchedulable('GET', '/sync'), isSchedulable('post', '/sync'), isSchedulable('PUT', '/sync'), isSchedulable('GET', '/items/:id'), isSchedulable('GET', '/items/{id}')]).toEqual([true, true, false, false, false]);
  });

  it('should read "METHOD /path" and bare paths as endpoint selectors', () => {
    expect([parseEndpointSelector('post sync'), parseEndpointSelector('/a//b'), parseEndpointSelector('GET /x')]).toEqual([{ method: 'POST', path: '/sync' }, { path: '/a/b' }, { method: 'GET', path: '/x' }]);
  });
});

describe('nextRunAfter (croner)', () => {
  it('should give the next firing in the schedule’s timezone, strictly after the time given', () => {
    const jan1 = Date.UTC(2025, 0, 1);
    expect(new Date(nextRunAfter('30 9 * * *', 'America/New_York', jan1) ?? 0).toISOString()).toBe('2025-01-01T14:30:00.000Z');
    expect(new Date(nextRunAfter('0 * * * *', 'UTC', jan1) ?? 0).toISOString()).toBe('2025-01-01T01:00:00.000Z');
    expect(new Date(nextRunAfter('0 2 * * *', 'Europe/Berlin', Date.UTC(2025, 4, 31, 12)) ?? 0).toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(new Date(nextRunAfter('0 0 1 * *', 'UTC', Date.UTC(2025, 0, 31, 12)) ?? 0).toISOString()).toBe('2025-02-01T00:00:00.000Z');
  });
});
