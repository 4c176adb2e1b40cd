import { forwardRef, useMemo, useState, type FormEvent } from 'react';
import { idempotencyKey } from '../../api/client';
import { tasks } from '../../api/endpoints';
import { isApiError } from '../../api/errors';
import type { ParsedTask, Task } from '../../api/types';
import { useParsePreview } from '../../hooks/useParsePreview';
import { useI18n } from '../../i18n/I18nContext';
import { describeError, reason } from '../../lib/errorMessage';
import { namedFieldMessage } from '../../lib/fieldErrors';
import { chipsFor, taskFromParse, type Chip } from '../../lib/quickAdd';
import { ParseChips } from './ParseChips';

/**
 * One line to add a task in natural language ("Купить молоко завтра в 18:00 #дом").
 * Shows how the server reads it as chips; dismissing a chip keeps those words in the title.
 */
export const QuickAdd = forwardRef<
  HTMLInputElement,
  { today: string; onAdded: (task: Task) => void }
>(function QuickAdd(props, inputRef) {
  const { t, timeZone, language } = useI18n();
  const [text, setText] = useState('');
  const [key, setKey] = useState(idempotencyKey);
  // Chip id -> the words it came from; a chip stays dismissed while its words are the same.
  const [dismissed, setDismissed] = useState(new Map<string, string>());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const preview = useParsePreview(text, timeZone);

  // While the next preview is on its way the previous one stays on screen (no flicker).
  const shown = text.trim() ? preview : null;
  const isDismissed = (chip: Chip) => dismissed.get(chip.id) === chip.source;
  const chips = useMemo(() => (shown?.parsed ? chipsFor(shown.parsed, shown.text) : []), [shown]);
  const visibleChips = chips.filter((chip) => !isDismissed(chip));

  function change(value: string) {
    setText(value);
    setError(undefined);
    setKey(idempotencyKey());
    if (!value.trim()) setDismissed(new Map());
  }

  function dismiss(chip: Chip) {
    setDismissed((map) => new Map(map).set(chip.id, chip.source));
  }

  async function create(): Promise<Task> {
    if (dismissed.size === 0) return tasks.quick(text, key);
    const parsed: ParsedTask =
      preview?.text === text && preview.parsed ? preview.parsed : await tasks.parse(text, timeZone);
    const dismissedIds = new Set(
      chipsFor(parsed, text)
        .filter(isDismissed)
        .map((chip) => chip.id),
    );
    if (dismissedIds.size === 0) return tasks.quick(text, key);
    return tasks.create(taskFromParse(parsed, text, dismissedIds), key);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) {
      setError(t('errTitleRequired'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const task = await create();
      props.onAdded(task);
      setText('');
      setDismissed(new Map());
      setKey(idempotencyKey());
    } catch (e) {
      // No field to show it next to: name the field ("Title: At most 500 characters").
      const first = isApiError(e) ? Object.entries(e.fields)[0] : undefined;
      setError(
        first
          ? `${t('errAdd')} ${namedFieldMessage(first[0], first[1], t, language)}.`
          : describeError(e, t, 'errAdd'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="quick-add" onSubmit={submit} noValidate>
      <label htmlFor="quick-add-input" className="visually-hidden">
        {t('quickAddLabel')}
      </label>
      <div className="quick-add-row">
        <input
          id="quick-add-input"
          ref={inputRef}
          value={text}
          onChange={(e) => change(e.target.value)}
          placeholder={t('quickAddPlaceholder')}
          autoComplete="off"
          enterKeyHint="done"
          aria-describedby={error ? 'quick-add-help quick-add-error' : 'quick-add-help'}
          aria-invalid={error ? true : undefined}
          aria-keyshortcuts="n"
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('adding') : t('add')}
        </button>
      </div>
      {shown?.parsed && (
        <ParseChips
          parsed={shown.parsed}
          chips={visibleChips}
          today={props.today}
          onDismiss={dismiss}
        />
      )}
      {shown?.error !== undefined && !isUnauthorized(shown.error) && (
        <p className="hint">
          {t('parseUnavailable', { reason: reason(shown.error, t).replace(/\.$/, '') })}
        </p>
      )}
      {error && (
        <p id="quick-add-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      <small id="quick-add-help" className="hint">
        {t('quickAddHelp')}
      </small>
    </form>
  );
});

function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.kind === 'unauthorized';
}
