import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, sampleUser } from '../test/fetchMock';
import { renderWithApp } from '../test/render';
import { AuthPage } from './AuthPage';

afterEach(() => vi.unstubAllGlobals());

const noop = () => {};

describe('AuthPage', () => {
  it('signs up with the chosen language and the device time zone', async () => {
    const calls = mockFetch({
      'POST /api/auth/register': () => json(201, { token: 't', user: sampleUser }),
    });
    const onSignedIn = vi.fn();
    renderWithApp(
      <AuthPage
        mode="signup"
        onModeChange={noop}
        onLanguageChange={noop}
        onSignedIn={onSignedIn}
      />,
      'ru',
    );
    await userEvent.type(screen.getByLabelText('Имя пользователя'), 'anna');
    await userEvent.type(screen.getByLabelText('Пароль'), 'secret-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Создать аккаунт' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(calls[0].body).toMatchObject({
      username: 'anna',
      password: 'secret-pass',
      language: 'ru',
    });
    expect((calls[0].body as { timezone: string }).timezone).toBeTruthy();
  });

  it('shows the server field message next to the field', async () => {
    mockFetch({
      'POST /api/auth/register': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'invalid',
            fields: { password: 'must be at least 8 bytes' },
          },
        }),
    });
    renderWithApp(
      <AuthPage mode="signup" onModeChange={noop} onLanguageChange={noop} onSignedIn={noop} />,
    );
    await userEvent.type(screen.getByLabelText('Username'), 'anna');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('must be at least 8 bytes').id).toBe(
      password.getAttribute('aria-describedby')?.split(' ').pop(),
    );
  });

  it('says the username is taken on 409', async () => {
    mockFetch({
      'POST /api/auth/register': () => json(409, { error: { code: 'conflict', message: 'taken' } }),
    });
    renderWithApp(
      <AuthPage mode="signup" onModeChange={noop} onLanguageChange={noop} onSignedIn={noop} />,
    );
    await userEvent.type(screen.getByLabelText('Username'), 'anna');
    await userEvent.type(screen.getByLabelText('Password'), 'long-enough');
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(await screen.findByText('This username is taken. Choose another one.')).toBeTruthy();
  });

  it('explains wrong credentials and shows the session-expired notice', async () => {
    mockFetch({
      'POST /api/auth/login': () => json(401, { error: { code: 'unauthorized', message: 'no' } }),
    });
    renderWithApp(
      <AuthPage
        mode="signin"
        notice="Your session has expired. Please sign in again."
        onModeChange={noop}
        onLanguageChange={noop}
        onSignedIn={noop}
      />,
    );
    expect(screen.getByText('Your session has expired. Please sign in again.')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Username'), 'anna');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Wrong username or password. Check them and try again.',
    );
  });

  it('translates the server field message in the Russian UI', async () => {
    mockFetch({
      'POST /api/auth/register': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'password must be at least 8 characters',
            fields: { password: 'must be at least 8 characters' },
          },
        }),
    });
    renderWithApp(
      <AuthPage mode="signup" onModeChange={noop} onLanguageChange={noop} onSignedIn={noop} />,
      'ru',
    );
    await userEvent.type(screen.getByLabelText('Имя пользователя'), 'anna');
    await userEvent.type(screen.getByLabelText('Пароль'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Создать аккаунт' }));
    expect(await screen.findByText('Не короче 8 символов')).toBeTruthy();
    expect(screen.queryByText(/must be/)).toBeNull();
  });
});
