import type { Task } from '../api/types';
import { dayInZone } from './dates';

export type View = 'today' | 'upcoming' | 'all' | 'completed';
export const VIEWS: View[] = ['today', 'upcoming', 'all', 'completed'];

/** The calendar day (in the user's zone) a task is due, or null if it has no due. */
export function dueDay(task: Task, timeZone: string): string | null {
  if (task.due_date) return task.due_date;
  if (task.due_at) return dayInZone(task.due_at, timeZone);
  return null;
}

/**
 * Display order: by the day the task is due in the user's zone, then timed tasks by
 * instant, then that day's whole-day tasks; tasks without a due last. (Comparing the UTC
 * due_at with a local due_date put tasks on the wrong side of a day east or west of UTC.)
 */
function byDue(timeZone: string): (a: Task, b: Task) => number {
  return (a, b) => {
    const dayA = dueDay(a, timeZone) ?? '\uffff';
    const dayB = dueDay(b, timeZone) ?? '\uffff';
    if (dayA !== dayB) return dayA < dayB ? -1 : 1;
    if (!!a.due_at !== !!b.due_at) return a.due_at ? -1 : 1;
    if (a.due_at && b.due_at) {
      const diff = new Date(a.due_at).getTime() - new Date(b.due_at).getTime();
      if (diff !== 0) return diff;
    }
    if (a.priority !== b.priority) return b.priority - a.priority;
    return a.created_at.localeCompare(b.created_at);
  };
}

/** The tasks a view shows, in display order. */
export function tasksForView(tasks: Task[], view: View, timeZone: string, today: string): Task[] {
  switch (view) {
    case 'today':
      return tasks
        .filter((t) => !t.completed && (dueDay(t, timeZone) ?? '\uffff') <= today)
        .sort(byDue(timeZone));
    case 'upcoming':
      return tasks
        .filter((t) => !t.completed && (dueDay(t, timeZone) ?? '') > today)
        .sort(byDue(timeZone));
    case 'all':
      return tasks.filter((t) => !t.completed).sort(byDue(timeZone));
    case 'completed':
      return tasks
        .filter((t) => t.completed)
        .sort((a, b) => (b.completed_at ?? '').localeCompare(a.completed_at ?? ''));
  }
}

export function isOverdue(task: Task, today: string, now = new Date()): boolean {
  if (task.completed) return false;
  if (task.due_at) return new Date(task.due_at) < now;
  return task.due_date !== null && task.due_date < today;
}

/** Every tag used by the given tasks, sorted. */
export function allTags(tasks: Task[]): string[] {
  return [...new Set(tasks.flatMap((t) => t.tags))].sort((a, b) => a.localeCompare(b));
}
