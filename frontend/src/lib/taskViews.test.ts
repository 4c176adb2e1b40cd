import { describe, expect, it } from 'vitest';
import type { Task } from '../api/types';
import { sampleTask } from '../test/fetchMock';
import { tasksForView } from './taskViews';

const tz = 'Europe/Moscow';
const today = '2026-11-27';
const tasks = [
  sampleTask({ id: 1, title: 'overdue', due_date: '2026-11-20' }),
  sampleTask({ id: 2, title: 'today timed', due_at: '2026-11-27T06:00:00Z' }),
  sampleTask({ id: 3, title: 'tomorrow', due_date: '2026-11-28' }),
  // 22:30 UTC is already the 28th in Moscow.
  sampleTask({ id: 4, title: 'late utc', due_at: '2026-11-27T22:30:00Z' }),
  sampleTask({ id: 5, title: 'no date' }),
  sampleTask({ id: 6, title: 'done', completed: true, completed_at: '2026-11-27T08:00:00Z' }),
] as Task[];

const ids = (list: Task[]) => list.map((t) => t.id);

describe('views', () => {
  it('Today holds overdue and due-today tasks in the user zone', () => {
    expect(ids(tasksForView(tasks, 'today', tz, today))).toEqual([1, 2]);
  });
  it('Upcoming holds later tasks, by due', () => {
    expect(ids(tasksForView(tasks, 'upcoming', tz, today))).toEqual([4, 3]);
  });
  it('All holds every open task, undated last', () => {
    expect(ids(tasksForView(tasks, 'all', tz, today))).toEqual([1, 2, 4, 3, 5]);
  });
  it('Completed holds done tasks', () => {
    expect(ids(tasksForView(tasks, 'completed', tz, today))).toEqual([6]);
  });
});
