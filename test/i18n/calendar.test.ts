// Calendar days in a time zone (server/i18n/calendar.ts): which day a moment falls on, and when a day begins, also on
// days a clock change lengthens, shortens or starts after midnight. Expected instants are from the IANA rules for
// each zone (2026: New York changes on 8 March and 1 November; Santiago skips midnight on 6 September).
import { describe, expect, it } from 'vitest';
import { calendarDay, startOfDay } from '../../server/i18n/calendar.ts';

describe('calendar days in a time zone', () => {
  it('name the day a moment falls on there', () => {
    const lateEvening = new Date('2026-11-24T23:30:00Z');
    expect(calendarDay(lateEvening, 'UTC')).toBe('2026-11-24');
    expect(calendarDay(lateEvening, 'Asia/Tokyo')).toBe('2026-11-25');
    expect(calendarDay(new Date('2026-11-24T09:59:00Z'), 'Pacific/Honolulu')).toBe('2026-11-23');
    expect(calendarDay(new Date('2026-12-31T10:00:00Z'), 'Pacific/Kiritimati')).toBe('2027-01-01');
  });

  it.each([
    ['2026-11-25', 'Asia/Tokyo', '2026-11-24T15:00:00.000Z'],
    ['2026-11-25', 'UTC', '2026-11-25T00:00:00.000Z'],
    ['2026-07-01', 'Europe/London', '2026-06-30T23:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-03-09', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z'],
    ['2026-11-02', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
    ['2026-01-01', 'Asia/Kolkata', '2025-12-31T18:30:00.000Z'],
  ])('%s begins in %s at %s', (day, zone, instant) => {
    const start = startOfDay(day, zone);
    expect(start.toISOString()).toBe(instant);
    expect(calendarDay(start, zone)).toBe(day);
    expect(calendarDay(new Date(start.getTime() - 1), zone)).not.toBe(day);
  });
});
