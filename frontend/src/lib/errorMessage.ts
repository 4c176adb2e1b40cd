import { ApiError, isApiError } from '../api/errors';
import type { MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/translate';

/**
 * "What failed" + "what happened and what to do", e.g. "Couldn't add the task. Can't
 * reach the server. Check your connection." Field errors are shown by the fields.
 */
export function describeError(error: unknown, t: Translate, what?: MessageKey): string {
  const prefix = what ? `${t(what)} ` : '';
  return prefix + reason(error, t);
}

export function reason(error: unknown, t: Translate): string {
  if (!isApiError(error)) {
    const detail = error instanceof Error ? error.message : String(error);
    return t('errServer', { detail, id: '—' });
  }
  return reasonForApiError(error, t);
}

function reasonForApiError(error: ApiError, t: Translate): string {
  switch (error.kind) {
    case 'network':
      return t('errNetwork');
    case 'unavailable': {
      // The API's own 503 carries a reason ("database unreachable"); a proxy's 502/504
      // (the API pool is down) only says what the status already says.
      const fromApi = error.status === 503 && error.code !== 'no_api_answer';
      const status = error.status ? `HTTP ${error.status}` : '';
      const detail = [status, fromApi ? error.message : ''].filter(Boolean).join(': ');
      return t('errUnavailable', { detail });
    }
    case 'unauthorized':
      return t('sessionExpired');
    case 'validation':
      // The server's own words are English: shown only as the detail of a translated text.
      if (Object.keys(error.fields).length > 0) return t('errValidation');
      if (error.status === 413) return t('errTooLarge');
      return t('errBadRequest', { detail: error.message });
    case 'conflict':
      return error.status === 412 ? t('errConflict') : t('errConflictOther', { detail: error.message });
    case 'not_found':
      return t('errNotFound');
    case 'rate_limited':
      return t('errRateLimited');
    case 'server':
      return t('errServer', { detail: error.message, id: error.requestId ?? '—' });
  }
}
