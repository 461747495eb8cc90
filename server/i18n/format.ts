// Dates, times and numbers as a person reads them: in their language, their time zone named, through Intl.
import { INTL_LOCALES, type Locale } from './locales.ts';

export interface Formats {
  /** A moment with its zone: `2026年12月3日 7:44 JST`, `3 December 2026 at 07:44 GMT+9`. */
  dateTime(iso: string | Date): string;
  /** A calendar day in the person's zone: `2026年12月3日`, `3 December 2026`. */
  date(iso: string | Date): string;
  /** A calendar month: `2026年12月`, `December 2026`. */
  month(iso: string | Date): string;
  /** A calendar day given as YYYY-MM-DD (a licence's end, a history row): the same day in every zone. */
  day(isoDay: string): string;
  number(value: number): string;
  /** 0.75 → `75%`. */
  percent(fraction: number): string;
  /** Time left, to the whole minute from a minute up, else in seconds: `12 minutes`, `12 分`, `40 seconds`. */
  duration(seconds: number): string;
  timeZone: string;
}

const cache = new Map<string, Formats>();

export function formatsFor(locale: Locale, timeZone: string): Formats {
  const key = `${locale}|${timeZone}`;
  let formats = cache.get(key);
  if (!formats) {
    const tag = INTL_LOCALES[locale];
    const dateTime = new Intl.DateTimeFormat(tag, {
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    const date = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', day: 'numeric', timeZone });
    const month = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', timeZone });
    const day = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
    const number = new Intl.NumberFormat(tag);
    const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
    const minutes = new Intl.NumberFormat(tag, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
    const seconds = new Intl.NumberFormat(tag, { style: 'unit', unit: 'second', unitDisplay: 'long' });
    const when = (value: string | Date) => (value instanceof Date ? value : new Date(value));
    formats = {
      dateTime: (value) => dateTime.format(when(value)),
      date: (value) => date.format(when(value)),
      month: (value) => month.format(when(value)),
      day: (isoDay) => day.format(new Date(`${isoDay}T00:00:00Z`)),
      number: (value) => number.format(value),
      percent: (fraction) => percent.format(fraction),
      duration: (left) => (left >= 60 ? minutes.format(Math.floor(left / 60)) : seconds.format(left)),
      timeZone,
    };
    cache.set(key, formats);
  }
  return formats;
}

/** Whether the runtime knows this IANA time zone (e.g. `Asia/Tokyo`). */
export const isTimeZone = (zone: string): boolean => canonicalTimeZone(zone) !== null;

/** The zone as Intl names it (`asia/tokyo` -> `Asia/Tokyo`), or null when the runtime does not know it. */
export function canonicalTimeZone(zone: string): string | null {
  if (zone.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Every IANA zone the runtime knows, for choosing one from a list. */
export const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
