import { useState } from 'react';
import { users } from '../../api/endpoints';
import type { TelegramLink, User } from '../../api/types';
import { useUserPatch } from '../../hooks/useUserPatch';
import { useI18n } from '../../i18n/I18nContext';
import { formatDateTime } from '../../lib/dates';
import { describeError } from '../../lib/errorMessage';
import { Field } from '../Field';
import { QrCode } from '../QrCode';
import { useToasts } from '../Toasts';

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export function TelegramSettings(props: { user: User; onUserChange: (user: User) => void }) {
  const { t, locale, timeZone } = useI18n();
  const toasts = useToasts();
  const [link, setLink] = useState<TelegramLink | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const digest = useUserPatch(props.onUserChange);

  async function changeDigestHour(value: string) {
    const digest_hour = value === '' ? null : Number(value);
    if (await digest.save({ digest_hour })) {
      toasts.show({ message: t('settingsSaved'), timeout: 3000 });
    }
  }

  async function createLink() {
    setBusy(true);
    setError(undefined);
    try {
      setLink(await users.createTelegramLink());
    } catch (e) {
      setError(describeError(e, t, 'errTelegram'));
    } finally {
      setBusy(false);
    }
  }

  async function unlink() {
    setBusy(true);
    setError(undefined);
    try {
      await users.unlinkTelegram();
      props.onUserChange({ ...props.user, telegram_linked: false });
      toasts.show({ message: t('telegramUnlinked'), timeout: 4000 });
    } catch (e) {
      setError(describeError(e, t, 'errSettings'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="telegram-heading">
      <h2 id="telegram-heading">{t('telegram')}</h2>
      {(error ?? digest.error) && (
        <p className="banner banner-error" role="alert">
          {error ?? digest.error}
        </p>
      )}
      <p>{props.user.telegram_linked ? t('telegramLinked') : t('telegramNotLinked')}</p>
      <Field
        label={t('digestHour')}
        hint={t('digestHint', { tz: props.user.timezone })}
        error={digest.fields.digest_hour}
      >
        <select
          name="digest_hour"
          value={props.user.digest_hour ?? ''}
          disabled={digest.busy}
          onChange={(e) => void changeDigestHour(e.target.value)}
        >
          <option value="">{t('digestOff')}</option>
          {HOURS.map((hour) => (
            <option key={hour} value={hour}>
              {`${String(hour).padStart(2, '0')}:00`}
            </option>
          ))}
        </select>
      </Field>
      {link && (
        <div className="telegram-link">
          {link.url && <QrCode value={link.url} label={t('telegramQr')} />}
          <div>
            <p>
              {t('telegramCode')}: <code className="link-code">{link.code}</code>
            </p>
            {link.url && (
              <p>
                <a href={link.url} target="_blank" rel="noopener noreferrer">
                  {t('telegramOpen')}
                </a>
              </p>
            )}
            <p className="hint">
              {link.url
                ? t('telegramInstructions', { code: link.code })
                : t('telegramInstructionsNoLink', { code: link.code })}
            </p>
            <p className="hint">
              {t('telegramExpires', { when: formatDateTime(link.expires_at, locale, timeZone) })}
            </p>
          </div>
        </div>
      )}
      <div className="button-row">
        <button type="button" onClick={() => void createLink()} disabled={busy}>
          {link ? t('telegramNewCode') : t('telegramGetCode')}
        </button>
        {props.user.telegram_linked && (
          <button type="button" className="danger" onClick={() => void unlink()} disabled={busy}>
            {t('telegramUnlink')}
          </button>
        )}
      </div>
    </section>
  );
}
