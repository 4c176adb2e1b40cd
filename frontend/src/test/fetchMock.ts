import { vi } from 'vitest';

export interface MockCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (call: MockCall) => Response | Promise<Response> | 'network-error';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * Replaces global fetch with a router of `"METHOD /path"` -> handler. Unrouted requests
 * answer 404 in the API's error shape. Returns the list of calls made.
 */
export function mockFetch(routes: Record<string, Handler>): MockCall[] {
  const calls: MockCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const url = String(input);
      const call: MockCall = {
        url,
        method,
        headers: (init.headers ?? {}) as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      calls.push(call);
      const path = url.split('?')[0];
      const handler = routes[`${method} ${path}`];
      if (!handler) return json(404, { error: { code: 'not_found', message: `no route ${path}` } });
      const result = await handler(call);
      if (result === 'network-error') throw new TypeError('Load failed');
      return result;
    }),
  );
  return calls;
}

export const sampleUser = {
  id: 1,
  username: 'anna',
  email: null,
  language: 'en' as const,
  timezone: 'Europe/Moscow',
  ai_provider: null,
  ai_model: null,
  has_openai_key: false,
  has_perplexity_key: false,
  telegram_linked: false,
  digest_hour: null,
  created_at: '2026-11-01T10:00:00Z',
};

export function sampleTask(overrides: Record<string, unknown> = {}) {
  return {
    id: 1,
    title: 'Buy milk',
    description: '',
    completed: false,
    completed_at: null,
    priority: 0,
    due_date: null,
    due_at: null,
    remind_at: null,
    recurrence: null,
    tags: [],
    position: 0,
    created_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:00Z',
    ...overrides,
  };
}
