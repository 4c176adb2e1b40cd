import { describe, expect, it } from 'vitest';
import { addDays, dayInZone, formatDay, isoToWallTime, todayInZone, wallTimeToIso } from './dates';

describe('dates in the user zone', () => {
  it('converts wall time in a zone to UTC and back', () => {
    expect(wallTimeToIso('2026-11-27T18:00', 'Europe/Moscow')).toBe('2026-11-27T15:00:00Z');
    expect(isoToWallTime('2026-11-27T15:00:00Z', 'Europe/Moscow')).toBe('2026-11-27T18:00');
    expect(wallTimeToIso('2026-07-01T09:30', 'America/New_York')).toBe('2026-07-01T13:30:00Z');
    expect(wallTimeToIso('2026-01-01T09:30', 'America/New_York')).toBe('2026-01-01T14:30:00Z');
  });

  it('finds the day an instant falls on', () => {
    expect(dayInZone('2026-11-27T22:30:00Z', 'Europe/Moscow')).toBe('2026-11-28');
    expect(dayInZone('2026-11-27T22:30:00Z', 'UTC')).toBe('2026-11-27');
    expect(todayInZone('Asia/Tokyo', new Date('2026-11-27T16:00:00Z'))).toBe('2026-11-28');
  });

  it('adds days across months', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('labels today and tomorrow and formats other days by locale', () => {
    const labels = { today: 'Today', tomorrow: 'Tomorrow', yesterday: 'Yesterday' };
    expect(formatDay('2026-11-27', { locale: 'en-GB', today: '2026-11-27', labels })).toBe('Today');
    expect(formatDay('2026-11-28', { locale: 'en-GB', today: '2026-11-27', labels })).toBe(
      'Tomorrow',
    );
    expect(formatDay('2026-12-05', { locale: 'en-GB', today: '2026-11-27', labels })).toBe(
      'Sat 5 Dec',
    );
    expect(formatDay('2026-12-05', { locale: 'ru-RU', today: '2026-11-27', labels })).toMatch(
      /5 дек/,
    );
  });
});
