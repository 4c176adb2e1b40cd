import { useCallback, useEffect, useRef, useState } from 'react';
import { tasks as tasksApi, type TaskQuery } from '../api/endpoints';
import type { Task } from '../api/types';

export type LoadState =
  { status: 'loading' } | { status: 'ready' } | { status: 'error'; error: unknown };

/** Loads the tasks matching a query and keeps them; callers edit the list optimistically. */
export function useTaskList(query: TaskQuery) {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  const controller = useRef<AbortController | null>(null);
  const { completed, q, tag } = query;

  const reload = useCallback(() => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setState((s) => (s.status === 'error' ? s : { status: 'loading' }));
    tasksApi.list({ completed, q, tag }, current.signal).then(
      (list) => {
        if (current.signal.aborted) return;
        setTasks(list);
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
    setTasks((list) => list.map((item) => (item.id === task.id ? task : item)));
  }, []);

  return { tasks, setTasks, replace, state, reload };
}
