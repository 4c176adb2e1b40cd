import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Task } from '../../api/types';
import { json, mockFetch, sampleTask } from '../../test/fetchMock';
import { renderWithApp } from '../../test/render';
import { TaskEditor } from './TaskEditor';

afterEach(() => vi.unstubAllGlobals());

const task = sampleTask({
  id: 9,
  title: 'Pay rent',
  due_date: '2026-11-28',
  tags: ['home'],
}) as Task;

describe('TaskEditor', () => {
  it('saves a new due time in the user zone and only the changed fields', async () => {
    const calls = mockFetch({
      'GET /api/tasks/9': () => json(200, task, { ETag: '"v1"' }),
      'PATCH /api/tasks/9': (call) => json(200, { ...task, ...(call.body as object) }),
    });
    const onSaved = vi.fn();
    renderWithApp(<TaskEditor task={task} onSaved={onSaved} onClose={() => {}} />);
    expect(screen.getByRole('dialog', { name: 'Edit “Pay rent”' })).toBeTruthy();
    await userEvent.click(screen.getByLabelText('At a time'));
    const when = screen.getByLabelText('Due date and time');
    await userEvent.clear(when);
    await userEvent.type(when, '2026-11-28T18:30');
    await userEvent.selectOptions(screen.getByLabelText('Repeat'), 'FREQ=WEEKLY');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const saved = calls.find((c) => c.method === 'PATCH');
    expect(saved?.body).toEqual({
      due_date: null,
      due_at: '2026-11-28T15:30:00Z',
      recurrence: 'FREQ=WEEKLY',
    });
    expect(saved?.headers['If-Match']).toBe('"v1"');
  });

  it('shows the server field messages next to the fields', async () => {
    mockFetch({
      'PATCH /api/tasks/9': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'invalid',
            fields: { tags: 'at most 20 tags' },
          },
          request_id: 'x',
        }),
    });
    renderWithApp(<TaskEditor task={task} onSaved={() => {}} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText('Tags'), ' more');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('at most 20 tags')).toBeTruthy();
    expect(screen.getByLabelText('Tags').getAttribute('aria-invalid')).toBe('true');
    expect(
      screen.getByText('Couldn’t save the change. Please fix the highlighted fields.'),
    ).toBeTruthy();
  });

  it('requires a title and closes with Escape', async () => {
    mockFetch({});
    const onClose = vi.fn();
    renderWithApp(<TaskEditor task={task} onSaved={() => {}} onClose={onClose} />);
    await userEvent.clear(screen.getByLabelText('Title'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Enter a title')).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('does not overwrite a change made elsewhere: 412 offers the latest version', async () => {
    let version = 1;
    mockFetch({
      'GET /api/tasks/9': () =>
        json(
          200,
          { ...task, title: version === 1 ? 'Pay rent' : 'Pay rent (from Telegram)' },
          { ETag: `"v${version}"` },
        ),
      'PATCH /api/tasks/9': () =>
        json(412, { error: { code: 'precondition_failed', message: 'changed' }, request_id: 'r' }),
    });
    renderWithApp(<TaskEditor task={task} onSaved={() => {}} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText('Notes'), 'bank');
    version = 2;
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('changed elsewhere');
    await userEvent.click(screen.getByRole('button', { name: 'Load the latest version' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Title')).toHaveProperty('value', 'Pay rent (from Telegram)'),
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('typing before the fresh copy arrives: a change made elsewhere is not sent back', async () => {
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (release = resolve));
    const calls = mockFetch({
      'GET /api/tasks/9': async () => {
        await arrived;
        return json(
          200,
          { ...task, description: 'from Telegram', updated_at: '2026-11-27T11:00:00Z' },
          { ETag: '"v2"' },
        );
      },
      'PATCH /api/tasks/9': (call) => json(200, { ...task, ...(call.body as object) }),
    });
    const onSaved = vi.fn();
    renderWithApp(<TaskEditor task={task} onSaved={onSaved} onClose={() => {}} />);
    await userEvent.type(screen.getByLabelText('Title'), ' today');
    release();
    await waitFor(() => expect(calls.some((c) => c.method === 'GET')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('changed elsewhere');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    expect(onSaved).not.toHaveBeenCalled();
    // Loading the latest shows the other change; saving then sends only the user's field.
    await userEvent.click(screen.getByRole('button', { name: 'Load the latest version' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Notes')).toHaveProperty('value', 'from Telegram'),
    );
    await userEvent.type(screen.getByLabelText('Title'), ' now');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const saved = calls.find((c) => c.method === 'PATCH');
    expect(saved?.body).toEqual({ title: 'Pay rent now' });
    expect(saved?.headers['If-Match']).toBe('"v2"');
  });

  it('an untouched field is not sent even when the fresh copy has the same version', async () => {
    const calls = mockFetch({
      'GET /api/tasks/9': () => json(200, task, { ETag: '"v1"' }),
      'PATCH /api/tasks/9': (call) => json(200, { ...task, ...(call.body as object) }),
    });
    const onSaved = vi.fn();
    renderWithApp(<TaskEditor task={task} onSaved={onSaved} onClose={() => {}} />);
    await waitFor(() => expect(calls.some((c) => c.method === 'GET')).toBe(true));
    await userEvent.type(screen.getByLabelText('Notes'), 'bank');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const saved = calls.find((c) => c.method === 'PATCH');
    expect(saved?.body).toEqual({ description: 'bank' });
    expect(saved?.headers['If-Match']).toBe('"v1"');
  });

  it('shows the server field messages in Russian', async () => {
    mockFetch({
      'PATCH /api/tasks/9': () =>
        json(422, {
          error: {
            code: 'validation_failed',
            message: 'tags must have at most 20 items',
            fields: { tags: 'must have at most 20 items', description: 'something new' },
          },
          request_id: 'x',
        }),
    });
    renderWithApp(<TaskEditor task={task} onSaved={() => {}} onClose={() => {}} />, 'ru');
    await userEvent.type(screen.getByLabelText('Теги'), ' more');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Не больше 20 тегов')).toBeTruthy();
    expect(screen.getByText('Проверьте это поле')).toBeTruthy();
    expect(screen.queryByText(/at most|something new/)).toBeNull();
  });
});
