import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, sampleTask } from '../../test/fetchMock';
import { renderWithApp } from '../../test/render';
import { TasksPage } from './TasksPage';

afterEach(() => vi.unstubAllGlobals());

const page = (results: unknown[]) =>
  json(200, { count: results.length, next: null, previous: null, results });
const overdue = sampleTask({ id: 1, title: 'Pay rent', due_date: '2000-01-01', tags: ['home'] });
const undated = sampleTask({ id: 2, title: 'Read a book', tags: ['books'] });

describe('TasksPage', () => {
  it('shows Today by default and switches views', async () => {
    mockFetch({ 'GET /api/tasks/': () => page([overdue, undated]) });
    renderWithApp(<TasksPage />);
    expect(await screen.findByRole('checkbox', { name: 'Complete “Pay rent”' })).toBeTruthy();
    expect(screen.queryByText('Read a book')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'All' }));
    expect(screen.getByText('Read a book')).toBeTruthy();
  });

  it('deletes only after the undo window, and undo keeps the task', async () => {
    const calls = mockFetch({
      'GET /api/tasks/': () => page([overdue]),
      'DELETE /api/tasks/1': () => json(204, null),
    });
    renderWithApp(<TasksPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete “Pay rent”' }));
    expect(screen.queryByText('Pay rent')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(screen.getByText('Pay rent')).toBeTruthy();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
  });

  it('sends search and tag filters to the server', async () => {
    const calls = mockFetch({ 'GET /api/tasks/': () => page([overdue, undated]) });
    renderWithApp(<TasksPage />);
    await screen.findByText('Pay rent');
    // The tag list is filled from the loaded tasks: wait for it, not just for the rows.
    await screen.findByRole('option', { name: /home/ });
    await userEvent.selectOptions(screen.getByLabelText('Tag'), 'home');
    await userEvent.type(screen.getByLabelText('Search'), 'rent');
    await waitFor(() =>
      expect(calls.some((c) => c.url.includes('q=rent') && c.url.includes('tag=home'))).toBe(true),
    );
  });

  it('offers to show a new task that the current view hides', async () => {
    mockFetch({
      'GET /api/tasks/': () => page([]),
      'POST /api/tasks/parse': () =>
        json(200, {
          title: 'Read a book',
          due_date: null,
          due_at: null,
          remind_at: null,
          priority: 0,
          tags: [],
          recurrence: null,
          spans: [],
        }),
      'POST /api/tasks/quick': () => json(201, undated),
    });
    renderWithApp(<TasksPage />);
    await screen.findByText(/Nothing due today/);
    await userEvent.type(screen.getByLabelText('New task'), 'Read a book{Enter}');
    const toast = (await screen.findByText(/Added “Read a book” — No date/)).closest(
      '.toast',
    ) as HTMLElement;
    await userEvent.click(within(toast).getByRole('button', { name: 'All' }));
    expect(screen.getByRole('button', { name: 'All', pressed: true })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Complete “Read a book”' })).toBeTruthy();
  });

  it('says the list could not load instead of showing it empty', async () => {
    mockFetch({ 'GET /api/tasks/': () => 'network-error' });
    renderWithApp(<TasksPage />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Couldn’t load your tasks. Can’t reach the server.');
    expect(screen.queryByText(/Nothing due today/)).toBeNull();
  });

  it('a reload while a delete is pending or in flight does not bring the row back', async () => {
    let deleted = false;
    let finishDelete!: () => void;
    const calls = mockFetch({
      'GET /api/tasks/': () => page(deleted ? [] : [overdue]),
      'DELETE /api/tasks/1': () =>
        new Promise<Response>((resolve) => {
          finishDelete = () => {
            deleted = true;
            resolve(json(204, null));
          };
        }),
    });
    const reloads = () => calls.filter((c) => c.method === 'GET').length;
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    renderWithApp(<TasksPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete “Pay rent”' }));
    expect(screen.queryByText('Pay rent')).toBeNull();
    // A reload (here: a search) inside the undo window still lists the task.
    let before = reloads();
    await userEvent.type(screen.getByLabelText('Search'), 'r');
    await waitFor(() => expect(reloads()).toBeGreaterThan(before));
    await settle();
    expect(screen.queryByText('Pay rent')).toBeNull();
    // Dismissing the toast sends the DELETE; a reload before it finishes still lists it.
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    before = reloads();
    await userEvent.type(screen.getByLabelText('Search'), 'e');
    await waitFor(() => expect(reloads()).toBeGreaterThan(before));
    await settle();
    expect(screen.queryByText('Pay rent')).toBeNull();
    finishDelete();
    await settle();
    expect(screen.queryByText('Pay rent')).toBeNull();
  });
});
