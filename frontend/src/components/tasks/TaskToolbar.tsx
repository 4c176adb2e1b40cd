import { forwardRef } from 'react';
import { useI18n } from '../../i18n/I18nContext';
import type { MessageKey } from '../../i18n/en';
import { VIEWS, type View } from '../../lib/taskViews';

const VIEW_LABELS: Record<View, MessageKey> = {
  today: 'viewToday',
  upcoming: 'viewUpcoming',
  all: 'viewAll',
  completed: 'viewCompleted',
};

/** View switcher, search box and tag filter. */
export const TaskToolbar = forwardRef<
  HTMLInputElement,
  {
    view: View;
    onView: (view: View) => void;
    search: string;
    onSearch: (q: string) => void;
    tag: string;
    tags: string[];
    onTag: (tag: string) => void;
  }
>(function TaskToolbar(props, searchRef) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      <nav className="views" aria-label={t('views')}>
        {VIEWS.map((view) => (
          <button
            key={view}
            type="button"
            aria-pressed={props.view === view}
            onClick={() => props.onView(view)}
          >
            {t(VIEW_LABELS[view])}
          </button>
        ))}
      </nav>
      <div className="filters">
        <label htmlFor="task-search" className="visually-hidden">
          {t('search')}
        </label>
        <input
          id="task-search"
          ref={searchRef}
          type="search"
          placeholder={t('searchPlaceholder')}
          value={props.search}
          onChange={(e) => props.onSearch(e.target.value)}
          aria-keyshortcuts="/"
        />
        <label htmlFor="task-tag" className="visually-hidden">
          {t('tagFilter')}
        </label>
        <select id="task-tag" value={props.tag} onChange={(e) => props.onTag(e.target.value)}>
          <option value="">{t('allTags')}</option>
          {props.tags.map((tag) => (
            <option key={tag} value={tag}>
              #{tag}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
});

export function viewLabel(view: View): MessageKey {
  return VIEW_LABELS[view];
}
