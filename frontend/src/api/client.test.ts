import { afterEach, describe, expect, it, vi } from 'vitest';
import { request, onUnauthorized } from './client';
import { auth, tasks } from './endpoints';
import { ApiError } from './errors';
import { tokenStore } from './token';
import { json, mockFetch, sampleTask } from '../test/fetchMock';

afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('sends the bearer token and JSON body, and parses the answer', async () => {
    tokenStore.set('tok123');
    const calls = mockFetch({ 'POST /api/tasks/quick': () => json(201, sampleTask({ id: 7 })) });
    const task = await tasks.quick('milk tomorrow');
    expect(task.id).toBe(7);
    expect(calls[0].headers.Authorization).toBe('Bearer tok123');
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(calls[0].headers['Idempotency-Key']).toMatch(/.{16,}/);
    expect(calls[0].body).toEqual({ text: 'milk tomorrow' });
  });

  it('reuses an Idempotency-Key passed for a retry', async () => {
    const calls = mockFetch({ 'POST /api/tasks/': () => json(201, sampleTask()) });
    await tasks.create({ title: 'a' }, 'key-1');
    await tasks.create({ title: 'a' }, 'key-1');
    expect(calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['key-1', 'key-1']);
  });

  it('turns a fetch failure into a network ApiError, never "Load failed"', async () => {
    mockFetch({ 'GET /api/users/me': () => 'network-error' });
    const error = await request('/api/users/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe('network');
    expect((error as ApiError).transient).toBe(true);
    expect((error as ApiError).message).not.toMatch(/Load failed/);
  });

  it('reads the error shape: code, message, fields, request id', async () => {
    mockFetch({
      'POST /api/auth/register': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'bad input',
            fields: { username: 'too short' },
          },
          request_id: 'r-1',
        }),
    });
    const error = (await auth
      .register({ username: 'a', password: 'x' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('validation');
    expect(error.fields).toEqual({ username: 'too short' });
    expect(error.requestId).toBe('r-1');
    expect(error.message).toBe('bad input');
  });

  it('treats a proxy HTML 502 page as "server unavailable"', async () => {
    mockFetch({
      'GET /api/users/me': () =>
        new Response('<html>502 Bad Gateway</html>', {
          status: 502,
          headers: { 'Content-Type': 'text/html' },
        }),
    });
    const error = (await request('/api/users/me').catch((e: unknown) => e)) as ApiError;
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(502);
  });

  it('clears the token and notifies listeners on 401', async () => {
    tokenStore.set('old');
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    mockFetch({
      'GET /api/users/me': () =>
        json(401, { error: { code: 'unauthorized', message: 'token expired' } }),
    });
    await expect(request('/api/users/me')).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(tokenStore.get()).toBeNull();
    expect(listener).toHaveBeenCalledOnce();
    off();
  });

  it('a 401 for an older token keeps the newer one (signed in again meanwhile)', async () => {
    tokenStore.set('old');
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    mockFetch({
      'GET /api/users/me': () => {
        tokenStore.set('new'); // another tab signed in while the request was on its way
        return json(401, { error: { code: 'unauthorized', message: 'token expired' } });
      },
    });
    await expect(request('/api/users/me')).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(tokenStore.get()).toBe('new');
    expect(listener).not.toHaveBeenCalled();
    off();
  });

  it('does not treat a failed login (401 without a token) as an expired session', async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    mockFetch({
      'POST /api/auth/login': () =>
        json(401, { error: { code: 'unauthorized', message: 'bad credentials' } }),
    });
    await expect(auth.login('a', 'b')).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(listener).not.toHaveBeenCalled();
    off();
  });

  it('resolves undefined for 204', async () => {
    mockFetch({ 'DELETE /api/tasks/3': () => json(204, null) });
    await expect(tasks.remove(3)).resolves.toBeUndefined();
  });

  it('follows `next` links when listing tasks', async () => {
    const calls = mockFetch({
      'GET /api/tasks/': (call) =>
        call.url.includes('offset=2')
          ? json(200, { count: 3, next: null, previous: null, results: [sampleTask({ id: 3 })] })
          : json(200, {
              count: 3,
              next: '/api/tasks/?limit=2&offset=2',
              previous: null,
              results: [sampleTask({ id: 1 }), sampleTask({ id: 2 })],
            }),
    });
    const list = await tasks.list({ completed: false, q: 'milk', tag: 'дом' });
    expect(list.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(calls[0].url).toContain('completed=false');
    expect(calls[0].url).toContain('q=milk');
    expect(calls[0].url).toContain(`tag=${encodeURIComponent('дом')}`);
  });
});
