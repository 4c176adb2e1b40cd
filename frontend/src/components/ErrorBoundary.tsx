import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { Translate } from '../i18n/translate';

interface State {
  error: Error | null;
}

/**
 * Last line of defence: a rendering bug shows what happened and a Reload button instead
 * of a blank page.
 */
export class ErrorBoundary extends Component<{ t: Translate; children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Tudushka screen crashed:', error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const { t } = this.props;
    return (
      <main id="main" className="centered">
        <div className="banner banner-error" role="alert">
          <p>{t('appCrashed', { detail: error.message })}</p>
          <button type="button" onClick={() => window.location.reload()}>
            {t('reload')}
          </button>
        </div>
      </main>
    );
  }
}
