const KEY = 'tudushka.token';

/** The bearer token lives in localStorage so a reload keeps the session. */
export const tokenStore = {
  get(): string | null {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    localStorage.setItem(KEY, token);
  },
  clear(): void {
    localStorage.removeItem(KEY);
  },
  /**
   * Clears the token only if it is still `token`: a 401 for an older token (another tab
   * or this one signed in again meanwhile) must not sign the newer session out.
   * True when it cleared it.
   */
  clearIf(token: string): boolean {
    if (tokenStore.get() !== token) return false;
    tokenStore.clear();
    return true;
  },
};

/**
 * Calls `listener` with the new token (null: signed out) when another tab of this site
 * signs in, signs out or signs in as someone else. (The `storage` event never fires in
 * the tab that made the change.)
 */
export function onTokenChangedElsewhere(listener: (token: string | null) => void): () => void {
  const handle = (event: StorageEvent) => {
    // key null: the other tab cleared the whole storage.
    if (event.key !== KEY && event.key !== null) return;
    if (event.key === KEY && event.oldValue === event.newValue) return;
    listener(tokenStore.get());
  };
  window.addEventListener('storage', handle);
  return () => window.removeEventListener('storage', handle);
}
