import { useState } from 'react';
import { users } from '../api/endpoints';
import { isApiError } from '../api/errors';
import type { User, UserPatch } from '../api/types';
import { useI18n } from '../i18n/I18nContext';
import { describeError } from '../lib/errorMessage';

/** Sends a PATCH /api/users/me and keeps its busy flag, error and field errors. */
export function useUserPatch(onUserChange: (user: User) => void) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});

  async function save(patch: UserPatch): Promise<User | null> {
    setBusy(true);
    setError(undefined);
    setFields({});
    try {
      const user = await users.update(patch);
      onUserChange(user);
      return user;
    } catch (e) {
      if (isApiError(e)) setFields(e.fields);
      setError(describeError(e, t, 'errSettings'));
      return null;
    } finally {
      setBusy(false);
    }
  }

  return { save, busy, error, fields };
}
