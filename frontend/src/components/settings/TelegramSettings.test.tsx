import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../api/types';
import { json, mockFetch, sampleUser } from '../../test/fetchMock';
import { renderWithApp } from '../../test/render';
import { TelegramSettings } from './TelegramSettings';

afterEach(() => vi.unstubAllGlobals());

describe('TelegramSettings', () => {
  it('shows the code, the t.me link and a QR code', async () => {
    mockFetch({
      'POST /api/users/me/telegram-link': () =>
        json(201, {
          code: 'AB12CD',
          expires_at: '2026-11-27T17:00:00Z',
          url: 'https://t.me/tudushka_bot?start=AB12CD',
        }),
    });
    renderWithApp(<TelegramSettings user={sampleUser} onUserChange={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: 'Get a link code' }));
    expect((await screen.findByText('AB12CD')).tagName).toBe('CODE');
    expect(screen.getByRole('link', { name: 'Open in Telegram' }).getAttribute('href')).toBe(
      'https://t.me/tudushka_bot?start=AB12CD',
    );
    expect(screen.getByRole('img', { name: 'QR code for the Telegram link' })).toBeTruthy();
  });

  it('says what failed', async () => {
    mockFetch({ 'POST /api/users/me/telegram-link': () => 'network-error' });
    renderWithApp(<TelegramSettings user={sampleUser} onUserChange={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: 'Get a link code' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Couldn’t create a Telegram link code. Can’t reach the server. Check your connection.',
    );
  });
});

describe('TelegramSettings without a configured bot', () => {
  it('shows the code and how to use it when the server has no t.me link', async () => {
    mockFetch({
      'POST /api/users/me/telegram-link': () =>
        json(201, { code: 'L9C4WSM6', expires_at: '2026-11-27T17:22:55Z', url: null }),
    });
    renderWithApp(<TelegramSettings user={sampleUser} onUserChange={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: 'Get a link code' }));
    expect(await screen.findByText('L9C4WSM6')).toBeTruthy();
    expect(screen.getByText('Send /start L9C4WSM6 to the Tudushka bot in Telegram.')).toBeTruthy();
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.queryByRole('img')).toBeNull();
  });
});

describe('TelegramSettings morning digest', () => {
  it('shows the saved digest hour and sends a new one', async () => {
    const calls = mockFetch({
      'PATCH /api/users/me': (call) => json(200, { ...sampleUser, ...(call.body as object) }),
    });
    let user: User = { ...sampleUser, telegram_linked: true, digest_hour: 8 };
    renderWithApp(<TelegramSettings user={user} onUserChange={(u) => (user = u)} />);
    const select = screen.getByLabelText('Morning digest in Telegram');
    expect(select.tagName).toBe('SELECT');
    expect(select).toHaveProperty('value', '8');
    expect((select as HTMLSelectElement).selectedOptions[0].textContent).toBe('08:00');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toHaveLength(25);

    await userEvent.selectOptions(select, '07:00');
    await waitFor(() => expect(user.digest_hour).toBe(7));
    expect(calls[0].method).toBe('PATCH');
    expect(calls[0].body).toEqual({ digest_hour: 7 });
    expect(await screen.findByText('Settings saved')).toBeTruthy();
  });

  it('turns the digest off with null', async () => {
    const calls = mockFetch({
      'PATCH /api/users/me': () => json(200, { ...sampleUser, digest_hour: null }),
    });
    renderWithApp(
      <TelegramSettings user={{ ...sampleUser, digest_hour: 21 }} onUserChange={() => {}} />,
      'ru',
    );
    const select = screen.getByLabelText('Утренняя сводка в Telegram');
    expect(select).toHaveProperty('value', '21');
    await userEvent.selectOptions(select, 'Выключена');
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0].body).toEqual({ digest_hour: null });
  });
});
