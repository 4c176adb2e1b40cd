import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { makeTranslate } from '../i18n/translate';
import { describeError } from './errorMessage';

const en = makeTranslate('en');
const ru = makeTranslate('ru');

describe('describeError', () => {
  it('names what failed and why, in the user language', () => {
    const network = new ApiError({ kind: 'network', message: 'x' });
    expect(describeError(network, en, 'errAdd')).toBe(
      'Couldn’t add the task. Can’t reach the server. Check your connection.',
    );
    expect(describeError(network, ru, 'errAdd')).toBe(
      'Не удалось добавить задачу. Нет связи с сервером. Проверьте подключение.',
    );
  });

  it('includes the API reason for a 503 but not a proxy page title', () => {
    const db = new ApiError({
      kind: 'unavailable',
      status: 503,
      code: 'unavailable',
      message: 'database unreachable',
    });
    expect(describeError(db, en)).toBe(
      'The server is not responding right now (HTTP 503: database unreachable).',
    );
    const proxy = new ApiError({
      kind: 'unavailable',
      status: 502,
      code: 'no_api_answer',
      message: 'HTTP 502 Bad Gateway',
    });
    expect(describeError(proxy, en)).toBe('The server is not responding right now (HTTP 502).');
    const nginxJson = new ApiError({
      kind: 'unavailable',
      status: 502,
      code: 'unavailable',
      message: 'API not reachable',
    });
    expect(describeError(nginxJson, en)).toBe('The server is not responding right now (HTTP 502).');
  });

  it('gives the request id for a server bug and never says "Load failed"', () => {
    const bug = new ApiError({
      kind: 'server',
      status: 500,
      code: 'internal',
      message: 'internal error',
      requestId: 'r42',
    });
    const text = describeError(bug, en, 'errSave');
    expect(text).toContain('internal error');
    expect(text).toContain('r42');
    expect(describeError(new TypeError('Load failed'), en)).not.toMatch(/^Load failed$/);
  });
});
