import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../api/types';
import { json, mockFetch, sampleUser } from '../../test/fetchMock';
import { renderWithApp } from '../../test/render';
import { AiSettings } from './AiSettings';

afterEach(() => vi.unstubAllGlobals());

describe('AiSettings', () => {
  it('saves a key write-only and then shows only "key set"', async () => {
    const calls = mockFetch({
      'PATCH /api/users/me': () => json(200, { ...sampleUser, has_openai_key: true }),
    });
    let user: User = sampleUser;
    renderWithApp(<AiSettings user={user} onUserChange={(u) => (user = u)} />);
    const input = screen.getByLabelText(/OpenAI API key/);
    await userEvent.type(input, 'sk-secret-123');
    await userEvent.click(screen.getAllByRole('button', { name: 'Save key' })[0]);
    await waitFor(() => expect(user.has_openai_key).toBe(true));
    expect(calls[0].body).toEqual({ openai_api_key: 'sk-secret-123' });
    expect(input).toHaveProperty('value', '');
  });

  it('shows the key status, never a key', () => {
    renderWithApp(
      <AiSettings user={{ ...sampleUser, has_perplexity_key: true }} onUserChange={() => {}} />,
    );
    const statuses = screen.getAllByTestId('key-status').map((node) => node.textContent);
    expect(statuses).toEqual(['no key', 'key set']);
    expect(screen.getByRole('button', { name: 'Remove key' })).toBeTruthy();
  });
});
