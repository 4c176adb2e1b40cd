import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Task } from '../api/types';
import { json, mockFetch, sampleTask } from '../test/fetchMock';
import { useTaskList } from './useTaskList';

afterEach(() => vi.unstubAllGlobals());

const page = (results: unknown[]) =>
  json(200, { count: results.length, next: null, previous: null, results });

/**
 * A list whose every load waits until the test answers it (`answer()` answers the latest);
 * the first load has brought `stored` in.
 */
async function listWithHeldLoads(stored: Task) {
  let pending!: (r: Response) => void;
  mockFetch({
    'GET /api/tasks/': () => new Promise<Response>((resolve) => (pending = resolve)),
  });
  const hook = renderHook(() => useTaskList({}));
  await waitFor(() => expect(pending).toBeTypeOf('function'));
  act(() => pending(page([stored])));
  await waitFor(() => expect(hook.result.current.tasks).toHaveLength(1));
  return { result: hook.result, answer: () => pending };
}

describe('useTaskList', () => {
  it('a reload that started before a local change keeps the local copy', async () => {
    const stored = sampleTask({ id: 1, title: 'Old title' }) as Task;
    const { result, answer } = await listWithHeldLoads(stored);

    act(() => result.current.reload());
    const staleAnswer = answer();
    act(() => result.current.replace({ ...stored, title: 'New title' }));
    await act(async () => staleAnswer(page([stored, sampleTask({ id: 2 })])));
    await waitFor(() => expect(result.current.tasks).toHaveLength(2));
    expect(result.current.tasks[0].title).toBe('New title');
  });

  it('a reload that started after a local change brings the server copy', async () => {
    const stored = sampleTask({ id: 1, title: 'Old title' }) as Task;
    const { result, answer } = await listWithHeldLoads(stored);

    act(() => result.current.replace({ ...stored, title: 'Local title' }));
    act(() => result.current.reload());
    await act(async () => answer()(page([{ ...stored, title: 'Server title' }])));
    await waitFor(() => expect(result.current.tasks[0].title).toBe('Server title'));
  });

  it('hidden tasks stay out of later reloads until unhidden', async () => {
    const one = sampleTask({ id: 1 }) as Task;
    mockFetch({ 'GET /api/tasks/': () => page([one]) });
    const { result } = renderHook(() => useTaskList({}));
    await waitFor(() => expect(result.current.tasks).toHaveLength(1));
    act(() => result.current.hide(1));
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(result.current.tasks).toHaveLength(0);
    act(() => result.current.unhide(1, one));
    expect(result.current.tasks).toHaveLength(1);
  });
});
