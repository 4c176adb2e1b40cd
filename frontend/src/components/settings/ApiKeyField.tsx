import { useId, useState } from 'react';
import { useI18n } from '../../i18n/I18nContext';

/**
 * A write-only secret: shows only whether a key is set; a new key can be saved or the
 * current one removed. The typed key is cleared as soon as it has been saved.
 */
export function ApiKeyField(props: {
  label: string;
  isSet: boolean;
  error?: string;
  busy: boolean;
  onSave: (key: string) => Promise<boolean>;
  onRemove: () => Promise<boolean>;
}) {
  const { t } = useI18n();
  const id = useId();
  const [value, setValue] = useState('');

  return (
    <div className="field api-key">
      <label htmlFor={id}>
        {props.label}{' '}
        <span className={`badge ${props.isSet ? 'badge-ok' : ''}`} data-testid="key-status">
          {props.isSet ? t('keySet') : t('keyNotSet')}
        </span>
      </label>
      <div className="inline-form">
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={props.isSet ? t('keyPlaceholderSet') : t('keyPlaceholder')}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={props.error ? `${id}-error` : undefined}
          onChange={(e) => setValue(e.target.value)}
        />
        <button
          type="button"
          disabled={props.busy || !value.trim()}
          onClick={async () => {
            if (await props.onSave(value.trim())) setValue('');
          }}
        >
          {t('saveKey')}
        </button>
        {props.isSet && (
          <button
            type="button"
            className="danger"
            disabled={props.busy}
            onClick={() => void props.onRemove()}
          >
            {t('removeKey')}
          </button>
        )}
      </div>
      {props.error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}
