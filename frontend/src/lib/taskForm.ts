import type { Priority, Task, TaskInput } from '../api/types';
import { isoToWallTime, wallTimeToIso } from './dates';

export type DueKind = 'none' | 'day' | 'time';

/** The editor's form state: plain strings, as the inputs hold them. */
export interface TaskForm {
  title: string;
  description: string;
  dueKind: DueKind;
  dueDate: string; // YYYY-MM-DD
  dueAt: string; // YYYY-MM-DDTHH:mm in the user's zone
  remindAt: string; // same, or ''
  priority: Priority;
  tags: string;
  recurrence: string;
}

export function formFromTask(task: Task, timeZone: string): TaskForm {
  return {
    title: task.title,
    description: task.description,
    dueKind: task.due_at ? 'time' : task.due_date ? 'day' : 'none',
    dueDate:
      task.due_date ?? (task.due_at ? isoToWallTime(task.due_at, timeZone).slice(0, 10) : ''),
    dueAt: task.due_at
      ? isoToWallTime(task.due_at, timeZone)
      : task.due_date
        ? `${task.due_date}T09:00`
        : '',
    remindAt: task.remind_at ? isoToWallTime(task.remind_at, timeZone) : '',
    priority: task.priority,
    tags: task.tags.join(' '),
    recurrence: task.recurrence ?? '',
  };
}

export function parseTags(text: string): string[] {
  const tags = text
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#/, '').trim())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** The fields of the form that differ from the task, as a PATCH body. */
export function patchFromForm(form: TaskForm, task: Task, timeZone: string): TaskInput {
  const next: TaskInput = {
    title: form.title.trim(),
    description: form.description,
    priority: form.priority,
    tags: parseTags(form.tags),
    recurrence: form.recurrence.trim() || null,
    due_date: form.dueKind === 'day' && form.dueDate ? form.dueDate : null,
    due_at: form.dueKind === 'time' && form.dueAt ? wallTimeToIso(form.dueAt, timeZone) : null,
    remind_at: form.remindAt ? wallTimeToIso(form.remindAt, timeZone) : null,
  };
  const patch: TaskInput = {};
  for (const key of Object.keys(next) as (keyof TaskInput)[]) {
    const before = task[key as keyof Task];
    const after = next[key];
    if (!sameValue(before, after)) (patch as Record<string, unknown>)[key] = after;
  }
  return patch;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === 'string' && typeof b === 'string' && /\dT\d/.test(a) && /\dT\d/.test(b)) {
    return new Date(a).getTime() === new Date(b).getTime();
  }
  return a === b;
}
