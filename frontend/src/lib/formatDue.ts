import type { I18n } from '../i18n/I18nContext';
import { dayInZone, formatDay, formatTime } from './dates';

interface Due {
  due_date: string | null;
  due_at: string | null;
}

function dayLabel(day: string, i18n: I18n, today: string): string {
  return formatDay(day, {
    locale: i18n.locale,
    today,
    labels: {
      today: i18n.t('today'),
      tomorrow: i18n.t('tomorrow'),
      yesterday: i18n.t('yesterday'),
    },
  });
}

/** "Today", "Tomorrow 18:00", "Fri, 5 Dec 09:00" — in the user's zone and locale. */
export function formatDue(due: Due, i18n: I18n, today: string): string | null {
  if (due.due_date) return dayLabel(due.due_date, i18n, today);
  if (due.due_at) return formatInstant(due.due_at, i18n, today);
  return null;
}

export function formatInstant(iso: string, i18n: I18n, today: string): string {
  const day = dayInZone(iso, i18n.timeZone);
  return `${dayLabel(day, i18n, today)} ${formatTime(iso, i18n.locale, i18n.timeZone)}`;
}
