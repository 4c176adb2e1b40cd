import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Task } from '../../api/types';
import { sampleTask } from '../../test/fetchMock';
import { renderWithApp } from '../../test/render';
import { TaskItem } from './TaskItem';

function renderItem(task: Task, language: 'en' | 'ru' = 'en') {
  const handlers = {
    onToggle: vi.fn(),
    onEdit: vi.fn(),
    onDelete: vi.fn(),
    onTag: vi.fn(),
    onSelect: vi.fn(),
  };
  renderWithApp(
    <ul>
      <TaskItem task={task} today="2026-11-27" selected={false} {...handlers} />
    </ul>,
    language,
  );
  return handlers;
}

describe('TaskItem', () => {
  it('completes with one click on the labelled checkbox', async () => {
    const task = sampleTask() as Task;
    const { onToggle } = renderItem(task);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Complete “Buy milk”' }));
    expect(onToggle).toHaveBeenCalledWith(task);
  });

  it('shows due time in the user zone, priority, repeat and tags', () => {
    renderItem(
      sampleTask({
        due_at: '2026-11-28T15:00:00Z',
        priority: 3,
        tags: ['дом'],
        recurrence: 'FREQ=WEEKLY;BYDAY=MO',
      }) as Task,
      'ru',
    );
    const item = screen.getByRole('listitem');
    expect(item.textContent).toContain('Завтра 18:00');
    expect(item.textContent).toContain('Срочно');
    expect(item.textContent).toContain('#дом');
    expect(item.textContent).toMatch(/Каждую неделю: пн/i);
  });

  it('marks overdue tasks for screen readers too', () => {
    renderItem(sampleTask({ due_date: '2026-11-20' }) as Task);
    expect(screen.getByText(/Overdue/)).toBeTruthy();
  });

  it('filters by a tag, edits and deletes via labelled buttons', async () => {
    const { onTag, onEdit, onDelete } = renderItem(sampleTask({ tags: ['home'] }) as Task);
    await userEvent.click(screen.getByRole('button', { name: 'Show tasks tagged #home' }));
    await userEvent.click(screen.getByRole('button', { name: 'Edit “Buy milk”' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete “Buy milk”' }));
    expect(onTag).toHaveBeenCalledWith('home');
    expect(onEdit).toHaveBeenCalled();
    expect(onDelete).toHaveBeenCalled();
  });
});
