import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Language } from '../api/types';
import { isValidTimeZone } from '../lib/dates';
import { makeTranslate, type Translate } from './translate';

export interface I18n {
  language: Language;
  /** BCP 47 locale for Intl formatting. */
  locale: string;
  timeZone: string;
  t: Translate;
}

const I18nContext = createContext<I18n>({
  language: 'en',
  locale: 'en-GB',
  timeZone: 'UTC',
  t: makeTranslate('en'),
});

export function I18nProvider(props: { language: Language; timeZone: string; children: ReactNode }) {
  const { language } = props;
  // An unknown zone would make every Intl call throw; fall back to UTC rather than break.
  const timeZone = isValidTimeZone(props.timeZone) ? props.timeZone : 'UTC';
  const value = useMemo<I18n>(
    () => ({
      language,
      locale: language === 'ru' ? 'ru-RU' : 'en-GB',
      timeZone,
      t: makeTranslate(language),
    }),
    [language, timeZone],
  );
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
