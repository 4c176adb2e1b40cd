import { useState, type FormEvent } from 'react';
import { auth } from '../api/endpoints';
import { isApiError } from '../api/errors';
import type { Language, Session } from '../api/types';
import { useSubmit } from '../hooks/useSubmit';
import { useI18n } from '../i18n/I18nContext';
import { Icon } from './Icon';
import { browserTimeZone } from '../lib/dates';
import { EmailField, Field } from './Field';
import { LanguageSwitch } from './LanguageSwitch';

export type AuthMode = 'signin' | 'signup';

/** Sign-in and sign-up forms; a notice (e.g. "session expired") is shown above. */
export function AuthPage(props: {
  mode: AuthMode;
  notice?: string;
  onModeChange: (mode: AuthMode) => void;
  onLanguageChange: (language: Language) => void;
  onSignedIn: (session: Session) => void;
}) {
  const { t, language } = useI18n();
  const { mode } = props;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const { run, busy, error, fields, clear } = useSubmit(
    mode === 'signup' ? 'errSignUp' : 'errSignIn',
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    const session = await run(
      () =>
        mode === 'signup'
          ? auth.register({
              username: username.trim(),
              password,
              email: email.trim() || undefined,
              language,
              timezone: browserTimeZone(),
            })
          : auth.login(username.trim(), password),
      (e) => {
        if (isApiError(e) && e.kind === 'unauthorized') return { error: t('badCredentials') };
        if (isApiError(e) && e.status === 409) return { fields: { username: t('usernameTaken') } };
        return undefined;
      },
    );
    if (session) props.onSignedIn(session);
  }

  const heading = mode === 'signup' ? t('createAccount') : t('signIn');
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <div className="auth-top">
          <p className="brand" aria-hidden="true">
            <Icon name="check" size={20} /> {t('appName')}
          </p>
          <LanguageSwitch onChange={props.onLanguageChange} />
        </div>
        <h1>{heading}</h1>
        <p className="muted">{t('tagline')}</p>
        {props.notice && (
          <p className="banner banner-info" role="status">
            {props.notice}
          </p>
        )}
        {error && (
          <p className="banner banner-error" role="alert">
            {error}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <Field
            label={t('username')}
            hint={mode === 'signup' ? t('usernameHint') : undefined}
            error={fields.username}
          >
            <input
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </Field>
          <Field
            label={t('password')}
            hint={mode === 'signup' ? t('passwordHint') : undefined}
            error={fields.password}
          >
            <input
              name="password"
              type="password"
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          {mode === 'signup' && (
            <EmailField label={t('email')} error={fields.email} value={email} onChange={setEmail} />
          )}
          <button type="submit" className="primary wide" disabled={busy}>
            {busy ? (mode === 'signup' ? t('signingUp') : t('signingIn')) : heading}
          </button>
        </form>
        <p className="auth-switch">
          {mode === 'signup' ? t('haveAccount') : t('noAccount')}{' '}
          <a
            href={mode === 'signup' ? '/signin' : '/signup'}
            onClick={(e) => {
              e.preventDefault();
              clear();
              props.onModeChange(mode === 'signup' ? 'signin' : 'signup');
            }}
          >
            {mode === 'signup' ? t('signIn') : t('createAccount')}
          </a>
        </p>
      </div>
    </main>
  );
}
