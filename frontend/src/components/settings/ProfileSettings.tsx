import { useState, type FormEvent } from 'react';
import type { Language, User } from '../../api/types';
import { useUserPatch } from '../../hooks/useUserPatch';
import { useI18n } from '../../i18n/I18nContext';
import { browserTimeZone, timeZones } from '../../lib/dates';
import { EmailField, Field } from '../Field';
import { LanguageSwitch } from '../LanguageSwitch';
import { useToasts } from '../Toasts';

export function ProfileSettings(props: { user: User; onUserChange: (user: User) => void }) {
  const { t } = useI18n();
  const toasts = useToasts();
  const { save, busy, error, fields } = useUserPatch(props.onUserChange);
  const [timezone, setTimezone] = useState(props.user.timezone);
  const [email, setEmail] = useState(props.user.email ?? '');
  const deviceZone = browserTimeZone();

  const changeLanguage = async (language: Language) => {
    if (language !== props.user.language && (await save({ language }))) {
      toasts.show({ message: t('settingsSaved'), timeout: 3000 });
    }
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await save({ timezone: timezone.trim(), email: email.trim() || null })) {
      toasts.show({ message: t('settingsSaved'), timeout: 3000 });
    }
  }

  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t('profile')}</h2>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <div className="field">
        <span className="label" id="language-label">
          {t('language')}
        </span>
        <LanguageSwitch onChange={changeLanguage} />
        {fields.language && <small className="field-error">{fields.language}</small>}
      </div>
      <form onSubmit={submit} noValidate>
        <Field label={t('timezone')} hint={t('timezoneHint')} error={fields.timezone}>
          <input
            name="timezone"
            list="timezones"
            value={timezone}
            spellCheck={false}
            onChange={(e) => setTimezone(e.target.value)}
          />
        </Field>
        <datalist id="timezones">
          {timeZones().map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        {deviceZone !== timezone && (
          <button type="button" className="link-button" onClick={() => setTimezone(deviceZone)}>
            {t('useBrowserZone', { tz: deviceZone })}
          </button>
        )}
        <EmailField label={t('email')} error={fields.email} value={email} onChange={setEmail} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('saving') : t('save_settings')}
        </button>
      </form>
    </section>
  );
}
