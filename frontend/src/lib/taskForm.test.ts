import { describe, expect, it } from 'vitest';
import type { Task } from '../api/types';
import { sampleTask } from '../test/fetchMock';
import { formFromTask, parseTags, patchFromForm } from './taskForm';

const tz = 'Europe/Moscow';

describe('task editor form', () => {
  it('sends only changed fields', () => {
    const task = sampleTask({ due_date: '2026-11-28', tags: ['a'] }) as Task;
    const form = formFromTask(task, tz);
    expect(patchFromForm(form, task, tz)).toEqual({});
    expect(patchFromForm({ ...form, title: 'Buy oat milk' }, task, tz)).toEqual({
      title: 'Buy oat milk',
    });
  });

  it('switches a day due to a timed due in the user zone', () => {
    const task = sampleTask({ due_date: '2026-11-28' }) as Task;
    const form = { ...formFromTask(task, tz), dueKind: 'time' as const, dueAt: '2026-11-28T18:00' };
    expect(patchFromForm(form, task, tz)).toEqual({
      due_date: null,
      due_at: '2026-11-28T15:00:00Z',
    });
  });

  it('parses tags separated by spaces or commas, with or without #', () => {
    expect(parseTags('#home, work  home')).toEqual(['home', 'work']);
  });
});
