import { useState, type FormEvent } from 'react';
import { users } from '../../api/endpoints';
import { useSubmit } from '../../hooks/useSubmit';
import { useI18n } from '../../i18n/I18nContext';
import { Field } from '../Field';
import { useToasts } from '../Toasts';

export function PasswordSettings() {
  const { t } = useI18n();
  const toasts = useToasts();
  const [oldPassword, setOldPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const { run, busy, error, fields } = useSubmit('errSettings');

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      await users.changePassword(oldPassword, newPassword);
      setOldPassword('');
      setNewPassword('');
      toasts.show({ message: t('passwordChanged'), timeout: 5000 });
    });
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{t('changePassword')}</h2>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <input type="text" name="username" autoComplete="username" hidden readOnly />
        <Field label={t('oldPassword')} error={fields.old_password}>
          <input
            type="password"
            autoComplete="current-password"
            value={oldPassword}
            onChange={(e) => setOldPassword(e.target.value)}
          />
        </Field>
        <Field label={t('newPassword')} hint={t('passwordHint')} error={fields.new_password}>
          <input
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="primary" disabled={busy || !oldPassword || !newPassword}>
          {t('changePassword')}
        </button>
      </form>
    </section>
  );
}
