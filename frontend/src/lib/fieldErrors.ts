import type { Language } from '../api/types';
import type { MessageKey } from '../i18n/en';
import { plural, type Translate } from '../i18n/translate';

/**
 * The API's field errors are English reasons ("must be at least 8 characters", see the
 * server's users.cpp, tasks.cpp CheckState and json.cpp). Known ones are translated;
 * an unknown one is shown as is in English and as «Проверьте это поле» in Russian.
 */
type Say = (m: RegExpMatchArray, field: string, t: Translate, language: Language) => string;
/** A rule whose message is one fixed key. */
const say = (key: MessageKey): Say => (_m, _f, t) => t(key);

const RULES: [RegExp, Say][] = [
  [/^(required|is required|must not be null)$/, say('errFieldRequired')],
  [/^must not be empty$/, say('fieldEmpty')],
  [
    /^must be at least (\d+) characters$/,
    (m, _f, t, l) => plural(t, l, 'fieldMinChars', Number(m[1])),
  ],
  [
    /^must be at most (\d+) characters$/,
    (m, _f, t, l) => plural(t, l, 'fieldMaxChars', Number(m[1])),
  ],
  [/^must be at most \d+ bytes$/, say('fieldTooLong')],
  [
    /^must have at most (\d+) items$/,
    (m, f, t, l) => plural(t, l, f === 'tags' ? 'fieldMaxTags' : 'fieldMaxItems', Number(m[1])),
  ],
  [
    /^each item must be (\d+) to (\d+) characters$/,
    (m, _f, t) => t('fieldTagLength', { min: m[1], max: m[2] }),
  ],
  [/^is not your current password$/, say('fieldWrongPassword')],
  [/^is not an IANA time zone/, say('fieldTimeZone')],
  [/^is not an email address$/, say('fieldEmail')],
  [
    /^must be (\d+) to (\d+) letters, digits/,
    (m, _f, t) => t('fieldUsername', { min: m[1], max: m[2] }),
  ],
  [/^must be a date YYYY-MM-DD in/, say('fieldDate')],
  [/^must be (a date YYYY-MM-DD or )?an ISO 8601 date-time/, say('fieldDateTime')],
  [/^cannot be set together with due_date$/, say('fieldDayOrTime')],
  [/^is not a supported RRULE: ?(.*)$/, (m, _f, t) => t('fieldRrule', { why: m[1] })],
  [/^must be an hour from 0 to 23/, say('fieldHour')],
  [/^must be between (-?\d+) and (-?\d+)$/, (m, _f, t) => t('fieldRange', { min: m[1], max: m[2] })],
  [/^must be "ru" or "en"$/, say('fieldLanguage')],
  [/^must be "openai" or "perplexity"$/, say('fieldAiProvider')],
  [/^must be an? (non-negative )?integer$/, say('fieldInteger')],
  [/^must be a string$/, say('fieldText')],
  [/^needs a title besides/, say('fieldNeedsTitle')],
];

/** One field's reason in the UI language. */
export function fieldMessage(
  field: string,
  reason: string,
  t: Translate,
  language: Language,
): string {
  for (const [pattern, say] of RULES) {
    const m = reason.match(pattern);
    if (m) return say(m, field, t, language);
  }
  return t('fieldUnknown', { reason });
}

/** Every field's reason in the UI language (for the forms' `fields`). */
export function fieldMessages(
  fields: Record<string, string>,
  t: Translate,
  language: Language,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([field, reason]) => [
      field,
      fieldMessage(field, reason, t, language),
    ]),
  );
}

const LABELS: Record<string, MessageKey> = {
  title: 'title',
  text: 'quickAddLabel',
  description: 'notes',
  due_date: 'due',
  due_at: 'due',
  remind_at: 'reminderAt',
  priority: 'priority',
  recurrence: 'recurrence',
  tags: 'tagsLabel',
  username: 'username',
  password: 'password',
  old_password: 'oldPassword',
  new_password: 'newPassword',
  email: 'email',
  language: 'language',
  timezone: 'timezone',
  ai_provider: 'aiProvider',
  digest_hour: 'digestHour',
};

/** "Title: At most 500 characters", for a place that has no field to show it next to. */
export function namedFieldMessage(
  field: string,
  reason: string,
  t: Translate,
  language: Language,
): string {
  const message = fieldMessage(field, reason, t, language);
  const label = LABELS[field];
  if (!label) return message;
  return t('fieldNamed', { field: t(label), message: message.charAt(0).toLowerCase() + message.slice(1) });
}
