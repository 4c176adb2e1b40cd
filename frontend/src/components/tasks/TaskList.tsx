import type { Task } from '../../api/types';
import { useI18n } from '../../i18n/I18nContext';
import { formatDay } from '../../lib/dates';
import { dueDay, type View } from '../../lib/taskViews';
import { TaskItem } from './TaskItem';

interface Group {
  key: string;
  heading?: string;
  tasks: Task[];
}

/** Today splits off what is overdue; Upcoming is grouped by day; the rest is one list. */
function groups(
  tasks: Task[],
  view: View,
  timeZone: string,
  today: string,
  heading: (day: string) => string,
  overdueHeading: string,
): Group[] {
  if (view === 'today') {
    const overdue = tasks.filter((task) => (dueDay(task, timeZone) ?? today) < today);
    if (overdue.length === 0) return [{ key: 'all', tasks }];
    const rest = tasks.filter((task) => !overdue.includes(task));
    return [
      { key: 'overdue', heading: overdueHeading, tasks: overdue },
      ...(rest.length > 0 ? [{ key: today, heading: heading(today), tasks: rest }] : []),
    ];
  }
  if (view !== 'upcoming') return [{ key: 'all', tasks }];
  const byDay = new Map<string, Task[]>();
  for (const task of tasks) {
    const day = dueDay(task, timeZone) ?? '';
    byDay.set(day, [...(byDay.get(day) ?? []), task]);
  }
  // The tasks come sorted by local day (tasksForView), so the days are in calendar order.
  return [...byDay].map(([day, items]) => ({ key: day, heading: heading(day), tasks: items }));
}

export function TaskList(props: {
  tasks: Task[];
  view: View;
  today: string;
  emptyText: string;
  selectedId?: number;
  onSelect: (task: Task) => void;
  onToggle: (task: Task) => void;
  onEdit: (task: Task) => void;
  onDelete: (task: Task) => void;
  onTag: (tag: string) => void;
}) {
  const { t, locale, timeZone } = useI18n();
  if (props.tasks.length === 0) return <p className="empty">{props.emptyText}</p>;
  const heading = (day: string) =>
    formatDay(day, {
      locale,
      today: props.today,
      labels: { today: t('today'), tomorrow: t('tomorrow'), yesterday: t('yesterday') },
    });
  return (
    <div className="task-groups">
      {groups(props.tasks, props.view, timeZone, props.today, heading, t('overdue')).map(
        (group) => (
          <section key={group.key} aria-label={group.heading}>
            {group.heading && <h2 className="group-heading">{group.heading}</h2>}
            <ul className="task-list">
              {group.tasks.map((task) => (
                <TaskItem
                  key={task.id}
                  task={task}
                  today={props.today}
                  selected={task.id === props.selectedId}
                  onSelect={() => props.onSelect(task)}
                  onToggle={props.onToggle}
                  onEdit={props.onEdit}
                  onDelete={props.onDelete}
                  onTag={props.onTag}
                />
              ))}
            </ul>
          </section>
        ),
      )}
    </div>
  );
}
