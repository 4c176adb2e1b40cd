import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { renderWithApp } from '../test/render';
import { ConnectionBanner } from './ConnectionBanner';

afterEach(() => vi.useRealTimers());

describe('ConnectionBanner', () => {
  it('says the server is unreachable, counts down and retries by itself', () => {
    vi.useFakeTimers();
    const onRetry = vi.fn();
    const error = new ApiError({ kind: 'network', message: 'x' });
    renderWithApp(<ConnectionBanner error={error} what="errLoadTasks" onRetry={onRetry} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Couldn’t load your tasks. Can’t reach the server.');
    const countdown = screen.getByText('Retrying in 5 s.');
    act(() => vi.advanceTimersByTime(2000));
    expect(countdown.textContent).toBe('Retrying in 3 s.');
    // The live region's text stays fixed: screen readers announce it once, not every second.
    expect(alert.textContent).not.toContain('Retrying');
    expect(alert.contains(countdown)).toBe(false);
    expect(countdown.closest('[role="alert"], [aria-live="polite"], [aria-live="assertive"]')).toBeNull();
    act(() => vi.advanceTimersByTime(3000));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('has a Retry button and does not auto-retry a server bug', async () => {
    const onRetry = vi.fn();
    const error = new ApiError({ kind: 'server', status: 500, message: 'boom', requestId: 'abc' });
    renderWithApp(<ConnectionBanner error={error} what="errLoadTasks" onRetry={onRetry} />, 'ru');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Не удалось загрузить задачи.');
    expect(alert.textContent).toContain('abc');
    expect(alert.textContent).not.toContain('Повтор через');
    await userEvent.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });
});
