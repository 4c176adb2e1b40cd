/**
 * Date helpers that work in the user's IANA time zone (not the browser's), using only
 * Intl. Calendar days are 'YYYY-MM-DD' strings; instants are ISO strings.
 */

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour === 24 ? 0 : parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function dayString(p: Pick<ZonedParts, 'year' | 'month' | 'day'>): string {
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The calendar day an instant falls on in a zone. */
export function dayInZone(instant: Date | string, timeZone: string): string {
  return dayString(zonedParts(new Date(instant), timeZone));
}

export function todayInZone(timeZone: string, now: Date = new Date()): string {
  return dayInZone(now, timeZone);
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return dayString({
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
  });
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function zoneOffset(instant: number, timeZone: string): number {
  const p = zonedParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** 'YYYY-MM-DDTHH:mm' wall time in a zone -> ISO instant in UTC ('...Z'). */
export function wallTimeToIso(local: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) throw new RangeError(`not a local date-time: ${local}`);
  const [, y, mo, d, h, mi] = match.map(Number);
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  let instant = guess - zoneOffset(guess, timeZone);
  // Across a DST change the offset at the result may differ from the guess's.
  const corrected = guess - zoneOffset(instant, timeZone);
  if (corrected !== instant) instant = corrected;
  return new Date(instant).toISOString().replace('.000Z', 'Z');
}

/** ISO instant -> 'YYYY-MM-DDTHH:mm' wall time in a zone (for datetime-local inputs). */
export function isoToWallTime(iso: string, timeZone: string): string {
  const p = zonedParts(new Date(iso), timeZone);
  return `${dayString(p)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Formats a calendar day: "Today", "Tomorrow", or a short weekday + date. */
export function formatDay(
  day: string,
  options: {
    locale: string;
    today: string;
    labels: { today: string; tomorrow: string; yesterday: string };
  },
): string {
  if (day === options.today) return options.labels.today;
  if (day === addDays(options.today, 1)) return options.labels.tomorrow;
  if (day === addDays(options.today, -1)) return options.labels.yesterday;
  const [y, m, d] = day.split('-').map(Number);
  const sameYear = day.slice(0, 4) === options.today.slice(0, 4);
  return new Intl.DateTimeFormat(options.locale, {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: sameYear ? undefined : 'numeric',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatTime(iso: string, locale: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(
    date,
  );
}

export function formatDateTime(iso: string, locale: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso; // show what the server sent rather than crash
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

/** Every IANA zone the browser knows, for the settings picker. */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
