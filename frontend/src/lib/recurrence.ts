import type { MessageKey } from '../i18n/en';
import { plural, type PluralKey, type Translate } from '../i18n/translate';

/** The repeat choices the editor offers, as RFC 5545 RRULEs. */
export const RECURRENCE_PRESETS: { rule: string; label: MessageKey }[] = [
  { rule: 'FREQ=DAILY', label: 'recurDaily' },
  { rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', label: 'recurWeekdays' },
  { rule: 'FREQ=WEEKLY', label: 'recurWeekly' },
  { rule: 'FREQ=MONTHLY', label: 'recurMonthly' },
  { rule: 'FREQ=YEARLY', label: 'recurYearly' },
];

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

function parseRule(rule: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const piece of rule.replace(/^RRULE:/i, '').split(';')) {
    const [key, value] = piece.split('=');
    if (key && value) parts.set(key.toUpperCase(), value.toUpperCase());
  }
  return parts;
}

function weekdayNames(days: string, locale: string): string {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  return days
    .split(',')
    .map((day) => {
      const index = WEEKDAYS.indexOf(day.replace(/^[+-]?\d+/, ''));
      // 2024-01-01 was a Monday.
      return index < 0 ? day : format.format(new Date(Date.UTC(2024, 0, 1 + index)));
    })
    .join(', ');
}

const BASE: Record<string, MessageKey> = {
  DAILY: 'recurDaily',
  WEEKLY: 'recurWeekly',
  MONTHLY: 'recurMonthly',
  YEARLY: 'recurYearly',
};
const EVERY_N: Record<string, PluralKey> = {
  DAILY: 'recurEveryDays',
  WEEKLY: 'recurEveryWeeks',
  MONTHLY: 'recurEveryMonths',
  YEARLY: 'recurEveryYears',
};

/** A whole number in [min, max] written as digits only, else null. */
function count(value: string | undefined, min: number, max: number): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/**
 * A short human description: "Every week: Mon", "Every 2 weeks", "Каждый месяц 25 числа",
 * "Каждую 21 неделю"; the raw rule only for what it cannot say (COUNT, UNTIL, ...).
 */
export function describeRecurrence(rule: string, t: Translate, locale: string): string {
  const normalized = rule.replace(/^RRULE:/i, '').toUpperCase();
  const preset = RECURRENCE_PRESETS.find((p) => p.rule === normalized);
  if (preset) return t(preset.label);
  const parts = parseRule(rule);
  const freq = parts.get('FREQ') ?? '';
  if (!BASE[freq]) return normalized;
  const language = locale.toLowerCase().startsWith('ru') ? 'ru' : 'en';
  const known = new Set(['FREQ']);

  let every = t(BASE[freq]);
  if (parts.has('INTERVAL')) {
    known.add('INTERVAL');
    const n = count(parts.get('INTERVAL'), 1, 100000);
    if (n === null) return normalized;
    if (n > 1) every = plural(t, language, EVERY_N[freq], n);
  }

  let text = every;
  const byDay = parts.get('BYDAY');
  const byMonth = parts.get('BYMONTH');
  const byMonthDay = parts.get('BYMONTHDAY');
  if (freq === 'WEEKLY' && byDay) {
    known.add('BYDAY');
    text = `${every}: ${weekdayNames(byDay, locale)}`;
  } else if (freq === 'MONTHLY' && byMonthDay && !byMonth) {
    known.add('BYMONTHDAY');
    const day = count(byMonthDay, 1, 31);
    if (day === null) return normalized;
    text = t('recurOnMonthDay', { every, day });
  } else if (freq === 'YEARLY' && byMonthDay && byMonth) {
    known.add('BYMONTHDAY').add('BYMONTH');
    const day = count(byMonthDay, 1, 31);
    const month = count(byMonth, 1, 12);
    if (day === null || month === null) return normalized;
    // 2028 is a leap year, so 29 February is a date.
    const date = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    }).format(new Date(Date.UTC(2028, month - 1, day)));
    text = t('recurOnDate', { every, date });
  }
  if ([...parts.keys()].some((key) => !known.has(key))) return normalized;
  return text;
}
