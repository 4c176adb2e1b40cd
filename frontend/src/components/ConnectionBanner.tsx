import { useEffect, useState } from 'react';
import { ApiError } from '../api/errors';
import { useI18n } from '../i18n/I18nContext';
import type { MessageKey } from '../i18n/en';
import { describeError } from '../lib/errorMessage';

export const RETRY_SECONDS = 5;

/**
 * Says what failed and why; for a failure that may pass by itself (server unreachable)
 * counts down and retries, with a button to retry at once.
 */
export function ConnectionBanner(props: { error: unknown; what: MessageKey; onRetry: () => void }) {
  const { t } = useI18n();
  const { error, onRetry } = props;
  const transient = error instanceof ApiError && error.transient;
  const [countdown, setCountdown] = useState({ error, seconds: RETRY_SECONDS });
  // A new failure starts a new countdown (state derived during render, not in an effect).
  if (countdown.error !== error) setCountdown({ error, seconds: RETRY_SECONDS });
  const seconds = countdown.error === error ? countdown.seconds : RETRY_SECONDS;

  useEffect(() => {
    if (!transient) return;
    const timer = setInterval(
      () => setCountdown((c) => ({ ...c, seconds: Math.max(0, c.seconds - 1) })),
      1000,
    );
    return () => clearInterval(timer);
  }, [error, transient]);

  useEffect(() => {
    if (transient && seconds === 0) onRetry();
  }, [transient, seconds, onRetry]);

  // The browser knows when the network is back: retry at once then.
  useEffect(() => {
    window.addEventListener('online', onRetry);
    return () => window.removeEventListener('online', onRetry);
  }, [onRetry]);

  return (
    <div className="banner banner-error">
      {/* Only the fixed text is live: a countdown inside role="alert" would be read out
          again every second. The countdown sits next to it, outside the live region. */}
      <p>
        <span role="alert">{describeError(error, t, props.what)}</span>{' '}
        {transient && (
          <span className="retry-countdown" aria-live="off">
            {seconds > 0 ? `${t('errRetryIn', { n: seconds })}.` : t('errRetrying')}
          </span>
        )}
      </p>
      <button type="button" onClick={onRetry}>
        {t('retry')}
      </button>
    </div>
  );
}
