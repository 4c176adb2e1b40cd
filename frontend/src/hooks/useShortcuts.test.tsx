import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { routeFromPath } from './useRoute';
import { useShortcuts } from './useShortcuts';

function Harness(props: { onN: () => void }) {
  useShortcuts({ n: props.onN });
  return <input aria-label="field" />;
}

describe('useShortcuts', () => {
  it('runs a shortcut outside fields but not while typing or with modifiers', () => {
    const onN = vi.fn();
    const { getByLabelText } = render(<Harness onN={onN} />);
    fireEvent.keyDown(document.body, { key: 'n' });
    expect(onN).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(getByLabelText('field'), { key: 'n' });
    fireEvent.keyDown(document.body, { key: 'n', ctrlKey: true });
    expect(onN).toHaveBeenCalledTimes(1);
  });
});

describe('routeFromPath', () => {
  it('maps paths to pages, unknown ones to the task list', () => {
    expect(routeFromPath('/settings/')).toBe('settings');
    expect(routeFromPath('/signup')).toBe('signup');
    expect(routeFromPath('/nope')).toBe('tasks');
  });
});
