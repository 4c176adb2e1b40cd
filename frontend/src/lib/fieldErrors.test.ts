import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { makeTranslate } from '../i18n/translate';
import { describeError } from './errorMessage';
import { fieldMessage, fieldMessages, namedFieldMessage } from './fieldErrors';

const en = makeTranslate('en');
const ru = makeTranslate('ru');

describe('fieldMessage', () => {
  it('translates the server reasons into Russian', () => {
    const cases: [string, string, string][] = [
      ['title', 'must not be empty', 'Заполните это поле'],
      ['title', 'required', 'Обязательное поле'],
      ['title', 'must be at most 500 characters', 'Не длиннее 500 символов'],
      ['password', 'must be at least 8 characters', 'Не короче 8 символов'],
      ['new_password', 'must be at least 8 characters', 'Не короче 8 символов'],
      ['password', 'must be at most 1024 bytes', 'Слишком длинное значение'],
      ['old_password', 'is not your current password', 'Это не ваш текущий пароль'],
      [
        'timezone',
        'is not an IANA time zone (e.g. Europe/Moscow)',
        'Неизвестный часовой пояс (например, Europe/Moscow)',
      ],
      ['email', 'is not an email address', 'Это не адрес электронной почты'],
      [
        'username',
        "must be 3 to 64 letters, digits, '.', '_' or '-'",
        'От 3 до 64 символов: буквы, цифры, «.», «_» или «-»',
      ],
      ['tags', 'must have at most 20 items', 'Не больше 20 тегов'],
      ['tags', 'each item must be 1 to 50 characters', 'Каждый тег — от 1 до 50 символов'],
      ['due_date', 'must be a date YYYY-MM-DD in the years 0001 to 9999', 'Некорректная дата'],
      [
        'due_at',
        'must be an ISO 8601 date-time with offset, e.g. 2026-12-25T18:00:00+03:00, in the years 0001 to 9999 (UTC)',
        'Некорректные дата и время',
      ],
      ['due_at', 'cannot be set together with due_date', 'Укажите либо день, либо время'],
      ['recurrence', 'is not a supported RRULE: FREQ missing', 'Такое правило повтора не поддерживается'],
      ['digest_hour', 'must be an hour from 0 to 23, or null', 'Выберите час от 0 до 23'],
      ['language', 'must be "ru" or "en"', 'Выберите русский или английский'],
      ['priority', 'must be between 0 and 3', 'Допустимо от 0 до 3'],
      ['text', 'needs a title besides the date, tags and priority', 'Добавьте название, кроме даты, тегов и приоритета'],
    ];
    for (const [field, reason, expected] of cases) {
      expect(fieldMessage(field, reason, ru, 'ru'), reason).toBe(expected);
    }
  });

  it('uses Russian plural forms for counts', () => {
    expect(fieldMessage('x', 'must be at most 1 characters', ru, 'ru')).toBe('Не длиннее 1 символа');
    expect(fieldMessage('x', 'must be at most 21 characters', ru, 'ru')).toBe(
      'Не длиннее 21 символа',
    );
    expect(fieldMessage('x', 'must be at least 2 characters', ru, 'ru')).toBe('Не короче 2 символов');
    expect(fieldMessage('tags', 'must have at most 2 items', ru, 'ru')).toBe('Не больше 2 тегов');
    expect(fieldMessage('tags', 'must have at most 1 items', ru, 'ru')).toBe('Не больше 1 тега');
    expect(fieldMessage('x', 'must be at least 1 characters', en, 'en')).toBe(
      'At least 1 character',
    );
  });

  it('translates known reasons into English too', () => {
    expect(fieldMessage('password', 'must be at least 8 characters', en, 'en')).toBe(
      'At least 8 characters',
    );
    expect(fieldMessage('old_password', 'is not your current password', en, 'en')).toBe(
      'This is not your current password',
    );
    expect(fieldMessage('tags', 'must have at most 20 items', en, 'en')).toBe('At most 20 tags');
  });

  it('an unknown reason: a generic Russian text, the server text in English', () => {
    expect(fieldMessage('title', 'is something new', ru, 'ru')).toBe('Проверьте это поле');
    expect(fieldMessage('title', 'is something new', en, 'en')).toBe('is something new');
    expect(fieldMessages({ a: 'odd', b: 'must not be empty' }, ru, 'ru')).toEqual({
      a: 'Проверьте это поле',
      b: 'Заполните это поле',
    });
  });

  it('names the field where there is no field to show it next to', () => {
    expect(namedFieldMessage('title', 'must be at most 500 characters', ru, 'ru')).toBe(
      'Название: не длиннее 500 символов',
    );
    expect(namedFieldMessage('tags', 'must have at most 20 items', en, 'en')).toBe(
      'Tags: at most 20 tags',
    );
    expect(namedFieldMessage('mystery', 'odd', ru, 'ru')).toBe('Проверьте это поле');
  });
});

describe('describeError without field errors', () => {
  it('never shows the server’s English text alone in the Russian UI', () => {
    const tooLarge = new ApiError({
      kind: 'validation',
      status: 413,
      message: 'request body is over the limit of 1048576 bytes',
    });
    expect(describeError(tooLarge, ru, 'errSave')).toBe(
      'Не удалось сохранить изменения. Слишком большой объём данных.',
    );
    const badJson = new ApiError({ kind: 'validation', status: 400, message: 'invalid JSON' });
    expect(describeError(badJson, ru)).not.toContain('invalid JSON');
    expect(describeError(badJson, en)).toContain('invalid JSON');
    const media = new ApiError({
      kind: 'validation',
      status: 415,
      message: 'send the body as JSON with Content-Type: application/json',
    });
    expect(describeError(media, ru)).not.toContain('Content-Type');
    const conflict = new ApiError({
      kind: 'conflict',
      status: 409,
      message: 'that already exists',
    });
    expect(describeError(conflict, ru)).not.toContain('that already exists');
    expect(describeError(conflict, en)).toContain('that already exists');
  });
});
