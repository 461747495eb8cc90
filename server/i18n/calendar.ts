// Calendar days in a time zone: which day a moment falls on there, and the moment that day starts. The licence's days
// (history rows, retention cut-offs, the term) are the organisation's calendar days, not UTC's.

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock fields of `at` in `timeZone`. */
function wallClock(at: Date, timeZone: string) {
  const fields: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return fields as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The day (YYYY-MM-DD) `at` falls on in `timeZone`: 2026-12-02T23:30Z is 2026-12-03 in Asia/Tokyo. */
export function calendarDay(at: Date, timeZone: string): string {
  const { year, month, day } = wallClock(at, timeZone);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The moment `day` (YYYY-MM-DD) begins in `timeZone` (its first instant, also on days a clock change shortens). */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  // The offset at the guess, then at the corrected guess: right on both sides of a change of offset.
  let at = midnightUtc - offsetAt(new Date(midnightUtc), timeZone);
  at = midnightUtc - offsetAt(new Date(at), timeZone);
  // Where midnight does not exist (a clock that jumps at 00:00), the day starts at the first instant after it.
  if (calendarDay(new Date(at), timeZone) !== day) at += 3_600_000;
  return new Date(at);
}

/** The wall-clock time (YYYY-MM-DDTHH:mm, as a datetime-local field shows it) of `at` in `timeZone`. */
export function wallClockText(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${calendarDay(at, timeZone)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** The moment a wall-clock time (YYYY-MM-DDTHH:mm) happens in `timeZone`; null when the text is no such time. */
export function instantOf(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [y, m, d, h, min] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, h, min);
  if (Number.isNaN(asUtc) || new Date(asUtc).getUTCDate() !== d || h > 23 || min > 59) return null;
  // As startOfDay: the offset at the guess, then at the corrected guess.
  let at = asUtc - offsetAt(new Date(asUtc), timeZone);
  at = asUtc - offsetAt(new Date(at), timeZone);
  return new Date(at);
}
