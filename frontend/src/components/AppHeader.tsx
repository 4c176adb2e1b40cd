import type { User } from '../api/types';
import type { Route } from '../hooks/useRoute';
import { useI18n } from '../i18n/I18nContext';
import { Icon } from './Icon';

export function AppHeader(props: {
  user: User;
  route: Route;
  onNavigate: (route: Route) => void;
  onSignOut: () => void;
}) {
  const { t } = useI18n();
  const link = (route: Route, path: string, label: string) => (
    <a
      href={path}
      aria-current={props.route === route ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        props.onNavigate(route);
      }}
    >
      {label}
    </a>
  );
  return (
    <header className="app-header">
      <span className="brand">
        <Icon name="check" size={20} /> <span className="brand-name">{t('appName')}</span>
      </span>
      <nav aria-label={t('mainNav')}>
        {link('tasks', '/', t('tasks'))}
        {link('settings', '/settings', t('settings'))}
      </nav>
      <span className="header-user muted">{props.user.username}</span>
      <button type="button" className="link-button" onClick={props.onSignOut}>
        {t('signOut')}
      </button>
    </header>
  );
}
