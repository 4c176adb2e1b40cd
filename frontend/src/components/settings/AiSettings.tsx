import { useState } from 'react';
import type { AiProvider, User, UserPatch } from '../../api/types';
import { useUserPatch } from '../../hooks/useUserPatch';
import { useI18n } from '../../i18n/I18nContext';
import { Field } from '../Field';
import { useToasts } from '../Toasts';
import { ApiKeyField } from './ApiKeyField';

export function AiSettings(props: { user: User; onUserChange: (user: User) => void }) {
  const { t } = useI18n();
  const toasts = useToasts();
  const { save, busy, error, fields } = useUserPatch(props.onUserChange);
  const [model, setModel] = useState(props.user.ai_model ?? '');
  const { user } = props;

  const saveWith = async (patch: UserPatch, message = t('settingsSaved')) => {
    const ok = (await save(patch)) !== null;
    if (ok) toasts.show({ message, timeout: 4000 });
    return ok;
  };

  return (
    <section className="card" aria-labelledby="ai-heading">
      <h2 id="ai-heading">{t('ai')}</h2>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <div className="field-row">
        <Field label={t('aiProvider')} error={fields.ai_provider}>
          <select
            name="ai_provider"
            value={user.ai_provider ?? ''}
            disabled={busy}
            onChange={(e) =>
              void saveWith({ ai_provider: (e.target.value || null) as AiProvider | null })
            }
          >
            <option value="">{t('aiProviderNone')}</option>
            <option value="openai">OpenAI</option>
            <option value="perplexity">Perplexity</option>
          </select>
        </Field>
        <Field label={t('aiModel')} error={fields.ai_model}>
          <input
            name="ai_model"
            value={model}
            spellCheck={false}
            onChange={(e) => setModel(e.target.value)}
            onBlur={() => {
              if (model.trim() !== (user.ai_model ?? ''))
                void saveWith({ ai_model: model.trim() || null });
            }}
          />
        </Field>
      </div>
      <p className="hint">{t('keysWriteOnly')}</p>
      <ApiKeyField
        label={t('openaiKey')}
        isSet={user.has_openai_key}
        error={fields.openai_api_key}
        busy={busy}
        onSave={(key) => saveWith({ openai_api_key: key }, t('keySaved'))}
        onRemove={() => saveWith({ openai_api_key: null }, t('keyRemoved'))}
      />
      <ApiKeyField
        label={t('perplexityKey')}
        isSet={user.has_perplexity_key}
        error={fields.perplexity_api_key}
        busy={busy}
        onSave={(key) => saveWith({ perplexity_api_key: key }, t('keySaved'))}
        onRemove={() => saveWith({ perplexity_api_key: null }, t('keyRemoved'))}
      />
    </section>
  );
}
