import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeTranslate } from '../i18n/translate';
import { ErrorBoundary } from './ErrorBoundary';

function Broken(): never {
  throw new RangeError('Invalid time value');
}

describe('ErrorBoundary', () => {
  it('replaces a crashed screen with a message and a Reload button', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <ErrorBoundary t={makeTranslate('en')}>
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain(
      'Something went wrong on this screen (Invalid time value)',
    );
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });
});
