import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Modal } from './Modal';

function Page(props: { tick: number; onClose: () => void }) {
  return (
    <>
      <button type="button">Row behind</button>
      <p>{props.tick}</p>
      {/* A new inline function every render, as callers tend to write it. */}
      <Modal title="Edit" onClose={() => props.onClose()}>
        <input aria-label="Title" />
        <textarea aria-label="Notes" />
        <button type="button">Save</button>
      </Modal>
    </>
  );
}

describe('Modal', () => {
  it('keeps the cursor where it is when the parent re-renders', async () => {
    const onClose = vi.fn();
    const behind = document.createElement('button');
    document.body.append(behind);
    behind.focus();
    const { rerender, unmount } = render(<Page tick={1} onClose={onClose} />);
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
    await userEvent.click(screen.getByLabelText('Notes'));
    rerender(<Page tick={2} onClose={onClose} />);
    expect(document.activeElement).toBe(screen.getByLabelText('Notes'));
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    unmount();
    expect(document.activeElement).toBe(behind);
    behind.remove();
  });

  it('wraps Tab and Shift+Tab inside the dialog', async () => {
    render(<Page tick={1} onClose={() => {}} />);
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Save' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('Notes'));
  });
});
