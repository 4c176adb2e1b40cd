import { describe, expect, it, vi } from 'vitest';
import { onTokenChangedElsewhere, tokenStore } from './token';

function storageEvent(key: string | null, oldValue: string | null, newValue: string | null) {
  window.dispatchEvent(
    new StorageEvent('storage', { key, oldValue, newValue, storageArea: localStorage }),
  );
}

describe('tokenStore', () => {
  it('clearIf clears only the token it was given', () => {
    tokenStore.set('new');
    expect(tokenStore.clearIf('old')).toBe(false);
    expect(tokenStore.get()).toBe('new');
    expect(tokenStore.clearIf('new')).toBe(true);
    expect(tokenStore.get()).toBeNull();
  });
});

describe('onTokenChangedElsewhere', () => {
  it('reports a sign-in or sign-out in another tab, not other keys', () => {
    const listener = vi.fn();
    const off = onTokenChangedElsewhere(listener);
    // The other tab wrote the token; this tab's storage already holds it.
    tokenStore.set('b');
    storageEvent('tudushka.token', 'a', 'b');
    expect(listener).toHaveBeenLastCalledWith('b');
    tokenStore.clear();
    storageEvent('tudushka.token', 'b', null);
    expect(listener).toHaveBeenLastCalledWith(null);
    storageEvent('tudushka.language', 'en', 'ru');
    storageEvent('tudushka.token', 'c', 'c');
    expect(listener).toHaveBeenCalledTimes(2);
    storageEvent(null, null, null); // localStorage.clear() elsewhere
    expect(listener).toHaveBeenCalledTimes(3);
    off();
    storageEvent('tudushka.token', null, 'd');
    expect(listener).toHaveBeenCalledTimes(3);
  });
});
