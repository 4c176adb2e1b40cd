import { useCallback, useEffect, useRef, useState } from 'react';
import { tasks as tasksApi, type TaskQuery } from '../api/endpoints';
import type { Task } from '../api/types';

export type LoadState =
  { status: 'loading' } | { status: 'ready' } | { status: 'error'; error: unknown };

/**
 * Loads the tasks matching a query and keeps them; callers edit the list optimistically.
 *
 * A reload never undoes a local change: tasks hidden with `hide` (deleted, or waiting
 * for the undo window to delete) stay out of every later result, and a task changed
 * with `replace` after a reload started keeps its local copy when that reload lands.
 */
export function useTaskList(query: TaskQuery) {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  const controller = useRef<AbortController | null>(null);
  const hidden = useRef(new Set<number>());
  // Local changes are numbered; a reload result keeps the local copy of a task
  // changed after the reload started.
  const changeSeq = useRef(0);
  const changedAt = useRef(new Map<number, number>());
  const { completed, q, tag } = query;

  const reload = useCallback(() => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    const startedAt = changeSeq.current;
    // Only changes from now on can outlive this reload (it aborts any earlier one, and later
    // ones start later still), so the older marks go: the map stays as small as the edits
    // made while a reload is in flight.
    changedAt.current.clear();
    setState((s) => (s.status === 'error' ? s : { status: 'loading' }));
    tasksApi.list({ completed, q, tag }, current.signal).then(
      (list) => {
        if (current.signal.aborted) return;
        setTasks((local) => {
          const newer = new Map<number, Task>();
          for (const task of local) {
            if ((changedAt.current.get(task.id) ?? -1) >= startedAt) newer.set(task.id, task);
          }
          return list
            .filter((task) => !hidden.current.has(task.id))
            .map((task) => newer.get(task.id) ?? task);
        });
        setState({ status: 'ready' });
      },
      (error: unknown) => {
        if (current.signal.aborted) return;
        setState({ status: 'error', error });
      },
    );
  }, [completed, q, tag]);

  useEffect(() => {
    reload();
    return () => controller.current?.abort();
  }, [reload]);

  const replace = useCallback((task: Task) => {
    changedAt.current.set(task.id, changeSeq.current++);
    setTasks((list) => list.map((item) => (item.id === task.id ? task : item)));
  }, []);

  /** Takes a task off the list and keeps it off later reloads until `unhide`. */
  const hide = useCallback((id: number) => {
    hidden.current.add(id);
    setTasks((list) => list.filter((item) => item.id !== id));
  }, []);

  /** Lets a hidden task show again (undo), putting `task` back if given. */
  const unhide = useCallback((id: number, task?: Task) => {
    hidden.current.delete(id);
    if (task) setTasks((list) => (list.some((i) => i.id === id) ? list : [...list, task]));
  }, []);

  return { tasks, setTasks, replace, hide, unhide, state, reload };
}
