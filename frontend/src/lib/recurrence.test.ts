import { describe, expect, it } from 'vitest';
import { makeTranslate } from '../i18n/translate';
import { describeRecurrence } from './recurrence';

const ru = (rule: string) => describeRecurrence(rule, makeTranslate('ru'), 'ru-RU');
const en = (rule: string) => describeRecurrence(rule, makeTranslate('en'), 'en-GB');

describe('describeRecurrence', () => {
  it('says intervals in words with Russian plurals', () => {
    expect(ru('FREQ=DAILY')).toBe('Каждый день');
    expect(ru('FREQ=DAILY;INTERVAL=3')).toBe('Каждые 3 дня');
    expect(ru('FREQ=DAILY;INTERVAL=5')).toBe('Каждые 5 дней');
    expect(ru('FREQ=DAILY;INTERVAL=21')).toBe('Каждый 21 день');
    expect(ru('FREQ=WEEKLY;INTERVAL=2')).toBe('Каждые 2 недели');
    expect(ru('FREQ=WEEKLY;INTERVAL=5')).toBe('Каждые 5 недель');
    expect(ru('FREQ=WEEKLY;INTERVAL=21')).toBe('Каждую 21 неделю');
    expect(ru('FREQ=WEEKLY;INTERVAL=11')).toBe('Каждые 11 недель');
    expect(ru('FREQ=MONTHLY;INTERVAL=2')).toBe('Каждые 2 месяца');
    expect(ru('FREQ=MONTHLY;INTERVAL=6')).toBe('Каждые 6 месяцев');
    expect(ru('FREQ=YEARLY;INTERVAL=2')).toBe('Каждые 2 года');
    expect(ru('FREQ=YEARLY;INTERVAL=5')).toBe('Каждые 5 лет');
    expect(ru('FREQ=WEEKLY;INTERVAL=1')).toBe('Каждую неделю');
  });

  it('says intervals in English', () => {
    expect(en('FREQ=WEEKLY;INTERVAL=2')).toBe('Every 2 weeks');
    expect(en('FREQ=DAILY;INTERVAL=21')).toBe('Every 21 days');
    expect(en('FREQ=YEARLY;INTERVAL=3')).toBe('Every 3 years');
  });

  it('says the day of the month and the date of the year', () => {
    expect(ru('FREQ=MONTHLY;BYMONTHDAY=25')).toBe('Каждый месяц 25 числа');
    expect(en('FREQ=MONTHLY;BYMONTHDAY=25')).toBe('Every month on day 25');
    expect(ru('FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1')).toBe('Каждые 3 месяца 1 числа');
    expect(ru('FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25')).toBe('Каждый год 25 декабря');
    expect(en('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29')).toBe('Every year on 29 February');
  });

  it('keeps the weekday form and falls back to the rule for what it cannot say', () => {
    expect(en('FREQ=WEEKLY;BYDAY=MO')).toBe('Every week: Mon');
    expect(en('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO')).toBe('Every 2 weeks: Mon');
    expect(en('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')).toBe('Every weekday');
    expect(en('FREQ=DAILY;COUNT=3')).toBe('FREQ=DAILY;COUNT=3');
    expect(en('FREQ=MONTHLY;BYMONTHDAY=-1')).toBe('FREQ=MONTHLY;BYMONTHDAY=-1');
    expect(en('FREQ=HOURLY')).toBe('FREQ=HOURLY');
  });
});
