import { users } from '../api/endpoints';
import type { User, UserPatch } from '../api/types';
import { useSubmit } from './useSubmit';

/** Sends a PATCH /api/users/me and keeps its busy flag, error and field errors. */
export function useUserPatch(onUserChange: (user: User) => void) {
  const { run, busy, error, fields } = useSubmit('errSettings');

  function save(patch: UserPatch): Promise<User | null> {
    return run(async () => {
      const user = await users.update(patch);
      onUserChange(user);
      return user;
    });
  }

  return { save, busy, error, fields };
}
