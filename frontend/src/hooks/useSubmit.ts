import { useState } from 'react';
import { isApiError } from '../api/errors';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/I18nContext';
import { describeError } from '../lib/errorMessage';
import { fieldMessages } from '../lib/fieldErrors';

/** What a form shows for a failure it knows better than the generic description. */
export interface Explained {
  error?: string;
  fields?: Record<string, string>;
}

/**
 * The busy flag, error banner and field errors of a form that sends one request at a
 * time. `what` names the action for the generic message ("Couldn't save settings. ...").
 */
export function useSubmit(what: MessageKey) {
  const { t, language } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});

  function clear() {
    setError(undefined);
    setFields({});
  }

  /**
   * Runs `action` and returns its result, or null when it failed. A failure shows what
   * `explain` makes of it, else the API's field errors and a described error.
   */
  async function run<T>(
    action: () => Promise<T>,
    explain?: (e: unknown) => Explained | undefined,
  ): Promise<T | null> {
    setBusy(true);
    clear();
    try {
      return await action();
    } catch (e) {
      const known = explain?.(e);
      if (known) {
        setError(known.error);
        setFields(known.fields ?? {});
      } else {
        if (isApiError(e)) setFields(fieldMessages(e.fields, t, language));
        setError(describeError(e, t, what));
      }
      return null;
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, fields, run, clear };
}
