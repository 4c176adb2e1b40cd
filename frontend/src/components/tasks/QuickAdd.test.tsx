import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, sampleTask } from '../../test/fetchMock';
import { renderWithApp } from '../../test/render';
import { QuickAdd } from './QuickAdd';

afterEach(() => vi.unstubAllGlobals());

const parsed = {
  title: 'Купить молоко',
  due_date: '2026-11-28',
  due_at: null,
  remind_at: null,
  priority: 2,
  tags: ['дом'],
  recurrence: null,
  spans: [
    { start: 14, end: 20, kind: 'date' },
    { start: 21, end: 26, kind: 'priority' },
    { start: 27, end: 31, kind: 'tag' },
  ],
};
const text = 'Купить молоко завтра !high #дом';

describe('QuickAdd', () => {
  it('previews the parsed date, priority and tags as chips', async () => {
    mockFetch({ 'POST /api/tasks/parse': () => json(200, parsed) });
    renderWithApp(<QuickAdd today="2026-11-27" onAdded={() => {}} />, 'ru');
    await userEvent.type(screen.getByLabelText('Новая задача'), text);
    const chips = await screen.findByRole('list', { name: 'Распознано' });
    expect(chips.textContent).toContain('Завтра');
    expect(chips.textContent).toContain('Высокий');
    expect(chips.textContent).toContain('дом');
  });

  it('adds through /quick when nothing was dismissed', async () => {
    const calls = mockFetch({
      'POST /api/tasks/parse': () => json(200, parsed),
      'POST /api/tasks/quick': () => json(201, sampleTask({ title: 'Купить молоко' })),
    });
    const onAdded = vi.fn();
    renderWithApp(<QuickAdd today="2026-11-27" onAdded={onAdded} />);
    const input = screen.getByLabelText('New task');
    await userEvent.type(input, `${text}{Enter}`);
    await waitFor(() => expect(onAdded).toHaveBeenCalled());
    expect(calls.find((c) => c.url === '/api/tasks/quick')?.body).toEqual({ text });
    expect(input).toHaveProperty('value', '');
  });

  it('keeps a dismissed date in the title and creates the task without it', async () => {
    const calls = mockFetch({
      'POST /api/tasks/parse': () => json(200, parsed),
      'POST /api/tasks/': () => json(201, sampleTask()),
    });
    renderWithApp(<QuickAdd today="2026-11-27" onAdded={() => {}} />);
    await userEvent.type(screen.getByLabelText('New task'), text);
    await userEvent.click(await screen.findByRole('button', { name: 'Don’t use “завтра”' }));
    expect(screen.queryByRole('button', { name: 'Don’t use “завтра”' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(calls.some((c) => c.url === '/api/tasks/')).toBe(true));
    const body = calls.find((c) => c.url === '/api/tasks/')?.body as Record<string, unknown>;
    expect(body.title).toBe('Купить молоко завтра');
    expect(body.due_date).toBeNull();
    expect(body.tags).toEqual(['дом']);
  });

  it('says what failed when the server is unreachable and keeps the text', async () => {
    mockFetch({
      'POST /api/tasks/parse': () => 'network-error',
      'POST /api/tasks/quick': () => 'network-error',
    });
    renderWithApp(<QuickAdd today="2026-11-27" onAdded={() => {}} />);
    const input = screen.getByLabelText('New task');
    await userEvent.type(input, 'call mom{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Couldn’t add the task. Can’t reach the server. Check your connection.',
    );
    expect(input).toHaveProperty('value', 'call mom');
  });

  it('shows the server field message for a validation error', async () => {
    mockFetch({
      'POST /api/tasks/parse': () =>
        json(200, { ...parsed, spans: [], tags: [], due_date: null, priority: 0 }),
      'POST /api/tasks/quick': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'bad',
            fields: { title: 'title is too long' },
          },
        }),
    });
    renderWithApp(<QuickAdd today="2026-11-27" onAdded={() => {}} />);
    await userEvent.type(screen.getByLabelText('New task'), 'x{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('title is too long');
  });

  it('names the field and translates the server reason in the Russian UI', async () => {
    mockFetch({
      'POST /api/tasks/parse': () =>
        json(200, { ...parsed, spans: [], tags: [], due_date: null, priority: 0 }),
      'POST /api/tasks/quick': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'title must be at most 500 characters',
            fields: { title: 'must be at most 500 characters' },
          },
        }),
    });
    renderWithApp(<QuickAdd today="2026-11-27" onAdded={() => {}} />, 'ru');
    await userEvent.type(screen.getByLabelText('Новая задача'), 'x{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Не удалось добавить задачу. Название: не длиннее 500 символов.',
    );
  });
});
