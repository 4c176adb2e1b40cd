import { en, type MessageKey, type Messages } from './en';
import { ru } from './ru';
import type { Language } from '../api/types';

export const dictionaries: Record<Language, Messages> = { en, ru };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Returns a function that looks a key up and fills `{name}` placeholders. */
export function makeTranslate(language: Language): Translate {
  const messages = dictionaries[language] ?? en;
  return (key, params) => {
    const text = messages[key] ?? en[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}

const LANGUAGE_KEY = 'tudushka.language';

/** The language before sign-in: the last one chosen here, else the browser's. */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    if (stored === 'ru' || stored === 'en') return stored;
  } catch {
    // storage blocked: fall through to the browser language
  }
  const browser = typeof navigator !== 'undefined' ? navigator.language : 'en';
  return browser.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // not fatal: the language is also stored on the server
  }
}

type PluralBase<K> = K extends `${infer B}_one` ? B : never;
/** Message keys with `_one`, `_few`, `_many` and `_other` forms. */
export type PluralKey = PluralBase<MessageKey>;

/**
 * The form of `base` for the count `n` (Intl.PluralRules: in Russian 1 / 21 take `_one`,
 * 2-4 / 22-24 `_few`, 5-20 / 25 `_many`), with `{n}` and `params` filled in.
 */
export function plural(
  t: Translate,
  language: Language,
  base: PluralKey,
  n: number,
  params: Record<string, string | number> = {},
): string {
  const category = new Intl.PluralRules(language === 'ru' ? 'ru' : 'en').select(n);
  const form = (['one', 'few', 'many'].includes(category) ? category : 'other') as
    | 'one'
    | 'few'
    | 'many'
    | 'other';
  return t(`${base}_${form}` as MessageKey, { ...params, n });
}
