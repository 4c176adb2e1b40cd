import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { tasks as tasksApi } from '../../api/endpoints';
import { isApiError } from '../../api/errors';
import type { Task, TaskInput } from '../../api/types';
import { useDebounced } from '../../hooks/useDebounced';
import { useShortcuts } from '../../hooks/useShortcuts';
import { useTaskList } from '../../hooks/useTaskList';
import { useToday } from '../../hooks/useToday';
import { useI18n } from '../../i18n/I18nContext';
import { describeError } from '../../lib/errorMessage';
import { formatDue } from '../../lib/formatDue';
import { allTags, dueDay, tasksForView, type View } from '../../lib/taskViews';
import { ConnectionBanner } from '../ConnectionBanner';
import { useToasts } from '../Toasts';
import { QuickAdd } from './QuickAdd';
import { TaskEditor } from './TaskEditor';
import { TaskList } from './TaskList';
import { TaskToolbar, viewLabel } from './TaskToolbar';

const UNDO_MS = 6000;

/** The task list: quick add, views, filters, and every action on a task. */
export function TasksPage() {
  const i18n = useI18n();
  const { t, timeZone } = i18n;
  const toasts = useToasts();
  const today = useToday(timeZone);
  const [view, setView] = useState<View>('today');
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const q = useDebounced(search.trim(), 250);
  const list = useTaskList({
    completed: view === 'completed',
    q: q || undefined,
    tag: tag || undefined,
  });
  const { setTasks, replace, hide, unhide, reload } = list;
  const [knownTags, setKnownTags] = useState<string[]>([]);
  const [editing, setEditing] = useState<Task | null>(null);
  const [selected, setSelected] = useState(0);
  const pendingDeletes = useRef(new Map<number, Task>());
  const quickAddRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const visible = useMemo(
    () => tasksForView(list.tasks, view, timeZone, today),
    [list.tasks, view, timeZone, today],
  );

  useEffect(() => {
    setKnownTags((known) => {
      const merged = allTags(list.tasks);
      return known.length === 0 || merged.some((tagName) => !known.includes(tagName))
        ? [...new Set([...known, ...merged])].sort((a, b) => a.localeCompare(b))
        : known;
    });
  }, [list.tasks]);

  // Deletions wait for the undo window; a page being closed sends them at once.
  useEffect(() => {
    const flush = () => {
      for (const id of pendingDeletes.current.keys()) tasksApi.remove(id, true).catch(() => {});
      pendingDeletes.current.clear();
    };
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, []);

  const showError = useCallback(
    (error: unknown, what: Parameters<typeof describeError>[2], retry?: () => void) => {
      if (isApiError(error) && error.kind === 'unauthorized') return; // App shows sign-in
      toasts.show({
        tone: 'error',
        message: describeError(error, t, what),
        action: retry && { label: t('retry'), run: retry },
      });
      if (isApiError(error) && error.kind === 'not_found') reload();
    },
    [toasts, t, reload],
  );

  const patch = useCallback(
    async (task: Task, changes: TaskInput): Promise<Task | null> => {
      try {
        const updated = await tasksApi.update(task.id, changes);
        replace(updated);
        return updated;
      } catch (error) {
        replace(task);
        showError(error, 'errSave', () => void patch(task, changes));
        return null;
      }
    },
    [replace, showError],
  );

  const toggle = useCallback(
    async (task: Task) => {
      const completing = !task.completed;
      const before: TaskInput = {
        completed: task.completed,
        due_date: task.due_date,
        due_at: task.due_at,
        remind_at: task.remind_at,
      };
      replace({ ...task, completed: completing });
      const updated = await patch(task, { completed: completing });
      if (!updated) return;
      const moved = completing && !updated.completed; // a repeating task moved to its next date
      const when = formatDue(updated, i18n, today) ?? '';
      toasts.show({
        message: moved
          ? t('taskRepeats', { when })
          : t(completing ? 'taskCompleted' : 'taskReopened', { title: task.title }),
        action: { label: t('undo'), run: () => void patch(updated, before) },
        timeout: UNDO_MS,
      });
    },
    [patch, replace, toasts, t, i18n, today],
  );

  const remove = useCallback(
    (task: Task) => {
      // Hidden, not just filtered out: a reload during the undo window (or while the
      // DELETE is on its way) must not bring the row back. A deleted task stays hidden.
      hide(task.id);
      pendingDeletes.current.set(task.id, task);
      const restore = () => {
        pendingDeletes.current.delete(task.id);
        unhide(task.id, task);
      };
      const commit = () => {
        if (!pendingDeletes.current.delete(task.id)) return;
        // Success or not_found: the task stays hidden (remove hid it).
        tasksApi.remove(task.id).catch((error: unknown) => {
          if (isApiError(error) && error.kind === 'not_found') return;
          restore();
          showError(error, 'errDelete', () => remove(task));
        });
      };
      toasts.show({
        message: t('taskDeleted', { title: task.title }),
        action: { label: t('undo'), run: restore },
        timeout: UNDO_MS,
        onExpire: commit,
      });
    },
    [hide, unhide, toasts, t, showError],
  );

  const added = useCallback(
    (task: Task) => {
      setTasks((items) => [...items.filter((i) => i.id !== task.id), task]);
      const shownIn = tasksForView([task], view, timeZone, today).length > 0;
      // A task added outside the current view (e.g. undated while on Today) gets a
      // button to the view that shows it, so it never seems lost.
      const day = dueDay(task, timeZone);
      const target: View = day && day > today ? 'upcoming' : 'all';
      const title = t('taskAdded', { title: task.title });
      toasts.show({
        message: shownIn ? title : `${title} — ${formatDue(task, i18n, today) ?? t('noDate')}`,
        action: shownIn ? undefined : { label: t(viewLabel(target)), run: () => setView(target) },
        timeout: shownIn ? 4000 : 6000,
      });
    },
    [setTasks, toasts, t, view, timeZone, today, i18n],
  );

  const clampSelected = Math.min(selected, Math.max(visible.length - 1, 0));
  const current = visible[clampSelected];
  const focusTask = (index: number) => {
    const next = Math.max(0, Math.min(index, visible.length - 1));
    setSelected(next);
    document
      .querySelector<HTMLElement>(`[data-task-id="${visible[next]?.id}"] .task-check`)
      ?.focus();
  };

  useShortcuts({
    n: () => quickAddRef.current?.focus(),
    '/': () => searchRef.current?.focus(),
    j: () => focusTask(clampSelected + 1),
    ArrowDown: () => focusTask(clampSelected + 1),
    k: () => focusTask(clampSelected - 1),
    ArrowUp: () => focusTask(clampSelected - 1),
    x: () => current && void toggle(current),
    e: () => current && setEditing(current),
    Delete: () => current && remove(current),
  });

  const emptyText = q
    ? t('emptySearch', { q })
    : t(
        view === 'today'
          ? 'emptyToday'
          : view === 'upcoming'
            ? 'emptyUpcoming'
            : view === 'all'
              ? 'emptyAll'
              : 'emptyCompleted',
      );

  return (
    <main id="main" className="tasks-page">
      <h1 className="visually-hidden">{t(viewLabel(view))}</h1>
      <QuickAdd ref={quickAddRef} today={today} onAdded={added} />
      <TaskToolbar
        ref={searchRef}
        view={view}
        onView={(next) => {
          setView(next);
          setSelected(0);
        }}
        search={search}
        onSearch={setSearch}
        tag={tag}
        tags={knownTags}
        onTag={setTag}
      />
      {list.state.status === 'error' && (
        <ConnectionBanner error={list.state.error} what="errLoadTasks" onRetry={reload} />
      )}
      {list.state.status === 'error' && visible.length === 0 ? null : list.state.status ===
          'loading' && list.tasks.length === 0 ? (
        <p className="muted" aria-busy="true">
          {t('loading')}
        </p>
      ) : (
        <TaskList
          tasks={visible}
          view={view}
          today={today}
          emptyText={emptyText}
          selectedId={current?.id}
          onSelect={(task) => setSelected(visible.indexOf(task))}
          onToggle={toggle}
          onEdit={setEditing}
          onDelete={remove}
          onTag={setTag}
        />
      )}
      <p className="shortcuts-help hint">
        <span className="visually-hidden">{t('shortcuts')}: </span>
        {t('shortcutsHelp')}
      </p>
      {editing && (
        <TaskEditor
          task={editing}
          onClose={() => setEditing(null)}
          onSaved={(task) => {
            replace(task);
            setEditing(null);
            toasts.show({ message: t('taskSaved'), timeout: 3000 });
          }}
        />
      )}
    </main>
  );
}
