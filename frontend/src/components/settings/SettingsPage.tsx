import type { User } from '../../api/types';
import { useI18n } from '../../i18n/I18nContext';
import { AiSettings } from './AiSettings';
import { PasswordSettings } from './PasswordSettings';
import { ProfileSettings } from './ProfileSettings';
import { TelegramSettings } from './TelegramSettings';

export function SettingsPage(props: { user: User; onUserChange: (user: User) => void }) {
  const { t } = useI18n();
  return (
    <main id="main" className="settings-page">
      <h1>{t('settings')}</h1>
      <ProfileSettings user={props.user} onUserChange={props.onUserChange} />
      <AiSettings user={props.user} onUserChange={props.onUserChange} />
      <TelegramSettings user={props.user} onUserChange={props.onUserChange} />
      <PasswordSettings />
    </main>
  );
}
