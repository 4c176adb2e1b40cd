import { describe, expect, it } from 'vitest';
import type { ParsedTask } from '../api/types';
import { chipsFor, removeSpans, taskFromParse } from './quickAdd';

const text = 'Купить молоко завтра в 18:00 !high #дом';
// Code point offsets: "завтра" 14..20, "в 18:00" 21..28, "!high" 29..34, "#дом" 35..39.
const parsed: ParsedTask = {
  title: 'Купить молоко',
  due_date: null,
  due_at: '2026-11-28T15:00:00Z',
  remind_at: null,
  priority: 2,
  tags: ['дом'],
  recurrence: null,
  spans: [
    { start: 14, end: 20, kind: 'date' },
    { start: 21, end: 28, kind: 'time' },
    { start: 29, end: 34, kind: 'priority' },
    { start: 35, end: 39, kind: 'tag' },
  ],
};

describe('quick add chips', () => {
  it('groups spans into one chip per field and per tag', () => {
    const chips = chipsFor(parsed, text);
    expect(chips.map((c) => c.id)).toEqual(['due', 'priority', 'tag:дом']);
    expect(chips[0].source).toBe('завтра в 18:00');
    expect(chips[2].source).toBe('#дом');
  });

  it('cuts spans by code points, not UTF-16 units', () => {
    expect(removeSpans('🥛 milk #home', [{ start: 7, end: 12, kind: 'tag' }])).toBe('🥛 milk');
  });

  it('keeps dismissed words in the title and drops their field', () => {
    const task = taskFromParse(parsed, text, new Set(['due']));
    expect(task.title).toBe('Купить молоко завтра в 18:00');
    expect(task.due_at).toBeNull();
    expect(task.priority).toBe(2);
    expect(task.tags).toEqual(['дом']);
  });

  it('drops a dismissed tag only', () => {
    const task = taskFromParse(parsed, text, new Set(['tag:дом']));
    expect(task.title).toBe('Купить молоко #дом');
    expect(task.tags).toEqual([]);
    expect(task.due_at).toBe('2026-11-28T15:00:00Z');
  });
});
