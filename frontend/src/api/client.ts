import { ApiError, kindForStatus } from './errors';
import { tokenStore } from './token';

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  keepalive?: boolean;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever the server says the session is not valid (after the token is cleared). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, string> };
  request_id?: string;
}

async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('Retry-After'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

async function toError(response: Response): Promise<ApiError> {
  const body = (await readJson(response)) as ErrorBody | undefined;
  const status = response.status;
  let kind = kindForStatus(status);
  // A proxy answering with its own HTML page (nginx 502 when the API is down, 404 for an
  // unknown location) means the API itself did not answer.
  if (!body?.error && status >= 500) kind = 'unavailable';
  return new ApiError({
    kind,
    status,
    code: body?.error?.code ?? 'no_api_answer',
    message: body?.error?.message ?? `HTTP ${status} ${response.statusText}`.trim(),
    fields: body?.error?.fields,
    requestId: body?.request_id,
    retryAfter: retryAfter(response),
  });
}

/**
 * Calls the API on the same origin. Resolves with the parsed JSON body (undefined for
 * 204) or rejects with an ApiError; never with a bare TypeError.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await requestWithHeaders<T>(path, options)).data;
}

/** Like `request`, also giving the response headers (for ETag). */
export async function requestWithHeaders<T>(
  path: string,
  options: RequestOptions = {},
): Promise<{ data: T; headers: Headers }> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      keepalive: options.keepalive,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ kind: 'network', message: 'The server could not be reached' });
  }

  if (!response.ok) {
    const error = await toError(response);
    // Only the session this request used has expired: if the stored token changed since
    // (signed in again, here or in another tab), the newer one stays.
    if (error.kind === 'unauthorized' && token && tokenStore.clearIf(token)) {
      unauthorizedListeners.forEach((listener) => listener());
    }
    throw error;
  }
  if (response.status === 204) return { data: undefined as T, headers: response.headers };
  const data = await readJson(response);
  if (data === undefined) {
    throw new ApiError({
      kind: 'unavailable',
      status: response.status,
      message: 'The server sent an answer that is not JSON',
    });
  }
  return { data: data as T, headers: response.headers };
}

/** A random key for the Idempotency-Key header (works outside secure contexts too). */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
