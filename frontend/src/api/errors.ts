/**
 * Every failure of an API call becomes an ApiError whose `kind` tells the UI what to
 * say and what the user can do about it.
 */
export type ApiErrorKind =
  | 'network' // the request never got an answer: offline, server down, DNS, CORS
  | 'unavailable' // the server answered that it cannot work now (502/503/504 or a proxy page)
  | 'unauthorized' // the session is missing or expired
  | 'validation' // 400/422: the input breaks a rule; `fields` says which
  | 'conflict' // 409/412
  | 'not_found'
  | 'rate_limited'
  | 'server'; // anything else: a bug on the server side

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly requestId?: string;
  readonly retryAfter?: number;

  constructor(init: {
    kind: ApiErrorKind;
    message: string;
    status?: number;
    code?: string;
    fields?: Record<string, string>;
    requestId?: string;
    retryAfter?: number;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.code = init.code ?? init.kind;
    this.fields = init.fields ?? {};
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }

  /** True when trying again later may succeed without the user changing anything. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'unavailable' || this.kind === 'rate_limited';
  }
}

export function kindForStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'validation';
  if (status === 404) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'server';
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
