import type { Task } from '../../api/types';
import { useI18n } from '../../i18n/I18nContext';
import type { MessageKey } from '../../i18n/en';
import { formatDue, formatInstant } from '../../lib/formatDue';
import { describeRecurrence } from '../../lib/recurrence';
import { isOverdue } from '../../lib/taskViews';
import { Icon } from '../Icon';

/** One row: a checkbox to complete, the title (opens the editor), due, tags, actions. */
export function TaskItem(props: {
  task: Task;
  today: string;
  selected: boolean;
  onToggle: (task: Task) => void;
  onEdit: (task: Task) => void;
  onDelete: (task: Task) => void;
  onTag: (tag: string) => void;
  onSelect: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { task, today } = props;
  const due = formatDue(task, i18n, today);
  const overdue = isOverdue(task, today);
  const title = task.title;

  return (
    <li
      className={`task priority-${task.priority}${task.completed ? ' done' : ''}${props.selected ? ' selected' : ''}`}
      data-task-id={task.id}
      onFocus={props.onSelect}
    >
      <input
        type="checkbox"
        className="task-check"
        checked={task.completed}
        onChange={() => props.onToggle(task)}
        aria-label={task.completed ? t('reopen', { title }) : t('complete', { title })}
      />
      <div className="task-body">
        <button type="button" className="task-title" onClick={() => props.onEdit(task)}>
          {title}
        </button>
        {task.description && <p className="task-notes">{task.description}</p>}
        <div className="task-meta">
          {due && (
            <span className={`meta-item due${overdue ? ' overdue' : ''}`}>
              {overdue && <span className="visually-hidden">{t('overdue')}: </span>}
              <Icon name="calendar" />
              {due}
            </span>
          )}
          {task.recurrence && (
            <span className="meta-item" title={t('repeats')}>
              <Icon name="repeat" />
              {describeRecurrence(task.recurrence, t, i18n.locale)}
            </span>
          )}
          {task.remind_at && (
            <span className="meta-item" title={t('reminder')}>
              <Icon name="bell" />
              <span className="visually-hidden">{t('reminder')}: </span>
              {formatInstant(task.remind_at, i18n, today)}
            </span>
          )}
          {task.priority > 0 && (
            <span className={`badge priority-badge-${task.priority}`}>
              {t(`priority${task.priority}` as MessageKey)}
            </span>
          )}
          {task.tags.map((tag) => (
            <button
              key={tag}
              type="button"
              className="tag"
              aria-label={t('filterByTag', { tag })}
              onClick={() => props.onTag(tag)}
            >
              #{tag}
            </button>
          ))}
        </div>
      </div>
      <div className="task-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={t('editTask', { title })}
          title={t('edit')}
          onClick={() => props.onEdit(task)}
        >
          <Icon name="pencil" size={20} />
        </button>
        <button
          type="button"
          className="icon-button danger"
          aria-label={t('deleteTask', { title })}
          title={t('delete')}
          onClick={() => props.onDelete(task)}
        >
          <Icon name="trash" size={20} />
        </button>
      </div>
    </li>
  );
}
