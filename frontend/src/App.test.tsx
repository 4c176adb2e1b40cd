import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { tokenStore } from './api/token';
import { json, mockFetch, sampleTask, sampleUser } from './test/fetchMock';

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

const page = (results: unknown[]) =>
  json(200, { count: results.length, next: null, previous: null, results });

describe('App', () => {
  it('sends a visitor without a session to sign in', async () => {
    mockFetch({});
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(window.location.pathname).toBe('/signin');
  });

  it('goes back to sign in with "session expired" when the token is rejected', async () => {
    tokenStore.set('stale');
    mockFetch({
      'GET /api/users/me': () => json(401, { error: { code: 'unauthorized', message: 'expired' } }),
    });
    render(<App />);
    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeTruthy();
    expect(tokenStore.get()).toBeNull();
  });

  it('shows a retryable message when the server is down at start, then recovers', async () => {
    tokenStore.set('good');
    let up = false;
    mockFetch({
      'GET /api/users/me': () => (up ? json(200, sampleUser) : 'network-error'),
      'GET /api/tasks/': () => page([]),
    });
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toContain('Can’t reach the server');
    up = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByLabelText('New task')).toBeTruthy();
  });

  it('signs in, lists today’s tasks, completes one and undoes it', async () => {
    const task = sampleTask({ id: 5, title: 'Pay rent', due_date: '2000-01-01' });
    const calls = mockFetch({
      'POST /api/auth/login': () =>
        json(200, { token: 'tok', user: { ...sampleUser, timezone: 'UTC' } }),
      'GET /api/tasks/': () => page([task]),
      'PATCH /api/tasks/5': (call) => json(200, { ...task, ...(call.body as object) }),
    });
    render(<App />);
    await userEvent.type(await screen.findByLabelText('Username'), 'anna');
    await userEvent.type(screen.getByLabelText('Password'), 'password1');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const checkbox = await screen.findByRole('checkbox', { name: 'Complete “Pay rent”' });
    expect(tokenStore.get()).toBe('tok');
    await userEvent.click(checkbox);
    await userEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() =>
      expect(screen.getByRole('checkbox', { name: 'Complete “Pay rent”' })).toBeTruthy(),
    );
    const patches = calls.filter((c) => c.method === 'PATCH').map((c) => c.body);
    expect(patches[0]).toEqual({ completed: true });
    expect(patches[1]).toMatchObject({ completed: false, due_date: '2000-01-01' });
  });

  it('follows a sign-in as someone else in another tab: profile and tasks of the new user', async () => {
    tokenStore.set('token-a');
    mockFetch({
      'GET /api/users/me': (call) =>
        call.headers.Authorization === 'Bearer token-b'
          ? json(200, { ...sampleUser, id: 2, username: 'boris' })
          : json(200, sampleUser),
      'GET /api/tasks/': (call) =>
        page(
          call.headers.Authorization === 'Bearer token-b'
            ? [sampleTask({ id: 2, title: 'Boris task', due_date: '2000-01-01' })]
            : [sampleTask({ id: 1, title: 'Anna task', due_date: '2000-01-01' })],
        ),
    });
    render(<App />);
    expect(await screen.findByText('Anna task')).toBeTruthy();
    expect(screen.getByText('anna')).toBeTruthy();
    // Tab 1 signs in as Boris: localStorage changes, this tab gets a storage event.
    localStorage.setItem('tudushka.token', 'token-b');
    window.dispatchEvent(
      new StorageEvent('storage', {
        key: 'tudushka.token',
        oldValue: 'token-a',
        newValue: 'token-b',
        storageArea: localStorage,
      }),
    );
    expect(await screen.findByText('Boris task')).toBeTruthy();
    expect(screen.getByText('boris')).toBeTruthy();
    expect(screen.queryByText('Anna task')).toBeNull();
    expect(screen.queryByText('anna')).toBeNull();
  });

  it('follows a sign-out in another tab', async () => {
    tokenStore.set('token-a');
    mockFetch({
      'GET /api/users/me': () => json(200, sampleUser),
      'GET /api/tasks/': () => page([]),
    });
    render(<App />);
    expect(await screen.findByText('anna')).toBeTruthy();
    localStorage.removeItem('tudushka.token');
    window.dispatchEvent(
      new StorageEvent('storage', {
        key: 'tudushka.token',
        oldValue: 'token-a',
        newValue: null,
        storageArea: localStorage,
      }),
    );
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByText('anna')).toBeNull();
  });
});
