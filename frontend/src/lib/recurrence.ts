import type { MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/translate';

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

/** A short human description: "Every week: Mon", "Every day", or the raw rule. */
export function describeRecurrence(rule: string, t: Translate, locale: string): string {
  const normalized = rule.replace(/^RRULE:/i, '').toUpperCase();
  const preset = RECURRENCE_PRESETS.find((p) => p.rule === normalized);
  if (preset) return t(preset.label);
  const parts = parseRule(rule);
  const freq = parts.get('FREQ');
  const byDay = parts.get('BYDAY');
  const interval = parts.get('INTERVAL');
  if (freq === 'WEEKLY' && byDay && !interval)
    return `${t('recurWeekly')}: ${weekdayNames(byDay, locale)}`;
  const base: Record<string, MessageKey> = {
    DAILY: 'recurDaily',
    WEEKLY: 'recurWeekly',
    MONTHLY: 'recurMonthly',
    YEARLY: 'recurYearly',
  };
  if (freq && base[freq] && !interval && parts.size === 1) return t(base[freq]);
  return normalized;
}
