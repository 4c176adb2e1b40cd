import type { Language } from '../api/types';
import { useI18n } from '../i18n/I18nContext';

const NAMES: Record<Language, string> = { en: 'English', ru: 'Русский' };

/** Two buttons, "English" / "Русский"; the current one is pressed. */
export function LanguageSwitch(props: { onChange: (language: Language) => void }) {
  const { language, t } = useI18n();
  return (
    <div className="language-switch" role="group" aria-label={t('language')}>
      {(Object.keys(NAMES) as Language[]).map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={language === code}
          onClick={() => props.onChange(code)}
        >
          {NAMES[code]}
        </button>
      ))}
    </div>
  );
}
