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

/** Sort key of a task's due moment; tasks without one sort last. */
function dueKey(task: Task): string {
  if (task.due_at) return task.due_at;
  // A whole-day task sorts after the timed tasks of that day.
  if (task.due_date) return `${task.due_date}T99`;
  return '\uffff';
}

function byDueThenPriority(a: Task, b: Task): number {
  const due = dueKey(a).localeCompare(dueKey(b));
  if (due !== 0) return due;
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.created_at.localeCompare(b.created_at);
}

/** The tasks a view shows, in display order. */
export function tasksForView(tasks: Task[], view: View, timeZone: string, today: string): Task[] {
  switch (view) {
    case 'today':
      return tasks
        .filter((t) => !t.completed && (dueDay(t, timeZone) ?? '\uffff') <= today)
        .sort(byDueThenPriority);
    case 'upcoming':
      return tasks
        .filter((t) => !t.completed && (dueDay(t, timeZone) ?? '') > today)
        .sort(byDueThenPriority);
    case 'all':
      return tasks.filter((t) => !t.completed).sort(byDueThenPriority);
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
