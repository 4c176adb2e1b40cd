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

describe('order by the local day', () => {
  it('Asia/Vladivostok: a 09:00 task on the 29th comes after the 28th’s whole-day task', () => {
    const list = [
      // 23:00 UTC on the 28th is 09:00 on the 29th in Vladivostok (UTC+10).
      sampleTask({ id: 1, title: '29th 09:00', due_at: '2026-11-28T23:00:00Z' }),
      sampleTask({ id: 2, title: '28th whole day', due_date: '2026-11-28' }),
      sampleTask({ id: 3, title: '29th whole day', due_date: '2026-11-29' }),
      sampleTask({ id: 4, title: '29th 08:00', due_at: '2026-11-28T22:00:00Z' }),
    ] as Task[];
    expect(ids(tasksForView(list, 'upcoming', 'Asia/Vladivostok', '2026-11-27'))).toEqual([
      2, 4, 1, 3,
    ]);
  });

  it('America/Los_Angeles: a 20:00 task on the 28th comes before that day’s whole-day task', () => {
    const list = [
      sampleTask({ id: 1, title: '28th whole day', due_date: '2026-11-28' }),
      // 04:00 UTC on the 29th is 20:00 on the 28th in Los Angeles (UTC-8).
      sampleTask({ id: 2, title: '28th 20:00', due_at: '2026-11-29T04:00:00Z' }),
      sampleTask({ id: 3, title: '29th 07:00', due_at: '2026-11-29T15:00:00Z' }),
      sampleTask({ id: 4, title: 'no date' }),
    ] as Task[];
    expect(ids(tasksForView(list, 'all', 'America/Los_Angeles', '2026-11-27'))).toEqual([
      2, 1, 3, 4,
    ]);
  });
});
