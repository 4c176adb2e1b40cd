import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { onUnauthorized } from './api/client';
import { auth, users } from './api/endpoints';
import { isApiError } from './api/errors';
import { onTokenChangedElsewhere, tokenStore } from './api/token';
import type { Language, Session, User } from './api/types';
import { AppHeader } from './components/AppHeader';
import { AuthPage } from './components/AuthPage';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorBoundary } from './components/ErrorBoundary';
import { SettingsPage } from './components/settings/SettingsPage';
import { TasksPage } from './components/tasks/TasksPage';
import { ToastProvider } from './components/Toasts';
import { useRoute } from './hooks/useRoute';
import { I18nProvider } from './i18n/I18nContext';
import { initialLanguage, makeTranslate, rememberLanguage } from './i18n/translate';
import { browserTimeZone } from './lib/dates';

type Boot = { state: 'checking' } | { state: 'failed'; error: unknown } | { state: 'ready' };

export function App() {
  const [route, navigate] = useRoute();
  const [user, setUser] = useState<User | null>(null);
  const [boot, setBoot] = useState<Boot>(() =>
    tokenStore.get() ? { state: 'checking' } : { state: 'ready' },
  );
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [notice, setNotice] = useState<string>();

  const effectiveLanguage = user?.language ?? language;
  const t = useMemo(() => makeTranslate(effectiveLanguage), [effectiveLanguage]);

  useEffect(() => {
    document.documentElement.lang = effectiveLanguage;
    document.title = t('appName');
  }, [effectiveLanguage, t]);

  // Only the latest profile request counts (the token may change while one is on its way).
  const meRequest = useRef(0);
  const loadMe = useCallback(() => {
    const request = ++meRequest.current;
    setBoot({ state: 'checking' });
    users.me().then(
      (me) => {
        if (request !== meRequest.current) return;
        setUser(me);
        setBoot({ state: 'ready' });
      },
      (error) => {
        if (request !== meRequest.current) return;
        // A 401 is handled by the onUnauthorized listener below.
        setBoot(
          isApiError(error) && error.kind === 'unauthorized'
            ? { state: 'ready' }
            : { state: 'failed', error },
        );
      },
    );
  }, []);

  useEffect(() => {
    if (tokenStore.get()) loadMe();
  }, [loadMe]);

  // Back to the sign-in page, saying why (the session ended, or the user signed out).
  const toSignIn = useCallback(
    (why: string, replace: boolean) => {
      setUser(null);
      setNotice(why);
      navigate('signin', replace);
    },
    [navigate],
  );

  useEffect(() => onUnauthorized(() => toSignIn(t('sessionExpired'), true)), [toSignIn, t]);

  // Another tab signed in (maybe as someone else) or out: this tab must not show one
  // user's data while sending the other's token. Drop everything and start over.
  useEffect(
    () =>
      onTokenChangedElsewhere((token) => {
        meRequest.current++;
        setUser(null);
        if (token) {
          setNotice(undefined);
          loadMe();
        } else {
          setBoot({ state: 'ready' });
          toSignIn(t('signedOut'), true);
        }
      }),
    [loadMe, toSignIn, t],
  );

  // Signed-out visitors only see the auth pages; signed-in users never do.
  useEffect(() => {
    if (boot.state !== 'ready') return;
    if (!user && route !== 'signin' && route !== 'signup') navigate('signin', true);
    if (user && (route === 'signin' || route === 'signup')) navigate('tasks', true);
  }, [boot, user, route, navigate]);

  const signedIn = (session: Session) => {
    tokenStore.set(session.token);
    rememberLanguage(session.user.language);
    setNotice(undefined);
    setUser(session.user);
    navigate('tasks', true);
  };

  const signOut = () => {
    auth.logout().catch(() => {
      // The token is dropped locally either way; a failed revoke is not the user's problem.
    });
    tokenStore.clear();
    toSignIn(t('signedOut'), false);
  };

  const userChanged = (next: User) => {
    rememberLanguage(next.language);
    setLanguage(next.language);
    setUser(next);
  };

  return (
    <I18nProvider language={effectiveLanguage} timeZone={user?.timezone ?? browserTimeZone()}>
      <ToastProvider>
        <a className="skip-link" href="#main">
          {t('skipToContent')}
        </a>
        {/* Keyed by the user too: after a switch of user (another tab signed in as
            someone else) nothing of the previous user's screens survives. */}
        <ErrorBoundary key={`${route}/${user?.id ?? ''}`} t={t}>
          {boot.state === 'checking' && (
            <main id="main" className="centered" aria-busy="true">
              <p className="muted">{t('loading')}</p>
            </main>
          )}
          {boot.state === 'failed' && (
            <main id="main" className="centered">
              <h1 className="visually-hidden">{t('appName')}</h1>
              <ConnectionBanner error={boot.error} what="errLoadAccount" onRetry={loadMe} />
            </main>
          )}
          {boot.state === 'ready' && !user && (
            <AuthPage
              mode={route === 'signup' ? 'signup' : 'signin'}
              notice={notice}
              onModeChange={(mode) => navigate(mode)}
              onLanguageChange={(next) => {
                rememberLanguage(next);
                setLanguage(next);
              }}
              onSignedIn={signedIn}
            />
          )}
          {boot.state === 'ready' && user && (
            <>
              <AppHeader user={user} route={route} onNavigate={navigate} onSignOut={signOut} />
              {route === 'settings' ? (
                <SettingsPage user={user} onUserChange={userChanged} />
              ) : (
                <TasksPage />
              )}
            </>
          )}
        </ErrorBoundary>
      </ToastProvider>
    </I18nProvider>
  );
}
