import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { tasks } from '../../api/endpoints';
import { isApiError } from '../../api/errors';
import type { Priority, Task } from '../../api/types';
import { useI18n } from '../../i18n/I18nContext';
import type { MessageKey } from '../../i18n/en';
import { describeError } from '../../lib/errorMessage';
import { fieldMessages } from '../../lib/fieldErrors';
import { RECURRENCE_PRESETS } from '../../lib/recurrence';
import { formFromTask, patchFromForm, type DueKind, type TaskForm } from '../../lib/taskForm';
import { Field } from '../Field';
import { Modal } from '../Modal';

const CUSTOM = '__custom__';

/** Edits every field of a task; the server's field messages appear next to the fields. */
export function TaskEditor(props: {
  task: Task;
  onSaved: (task: Task) => void;
  onClose: () => void;
}) {
  const { t, timeZone, language } = useI18n();
  const { task } = props;
  const [form, setForm] = useState<TaskForm>(() => formFromTask(task, timeZone));
  // The stored task and its ETag: saving sends If-Match, so a change made meanwhile
  // elsewhere (another device, the Telegram bot) is never silently overwritten.
  const [base, setBase] = useState<{ task: Task; etag: string | null }>({ task, etag: null });
  // The task the form was built from: saving sends only the fields the user changed
  // relative to it, and its ETag is only known when it is `base.task`.
  const [source, setSource] = useState<Task>(task);
  const [conflict, setConflict] = useState(false);
  const touched = useRef(false);
  const [customRule, setCustomRule] = useState(
    () => !!task.recurrence && !RECURRENCE_PRESETS.some((p) => p.rule === task.recurrence),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});

  const set = <K extends keyof TaskForm>(key: K, value: TaskForm[K]) => {
    touched.current = true;
    setForm((f) => ({ ...f, [key]: value }));
  };

  const loadLatest = useCallback(
    async (replaceForm: boolean) => {
      const fresh = await tasks.get(task.id);
      setBase(fresh);
      if (replaceForm) {
        setForm(formFromTask(fresh.task, timeZone));
        setSource(fresh.task);
        touched.current = false;
      }
      return fresh;
    },
    [task.id, timeZone],
  );

  useEffect(() => {
    loadLatest(false).then(
      (fresh) => {
        // Show what is stored now unless the user already started typing (then the
        // form stays built from the list's copy, and saving checks for a conflict).
        if (!touched.current) {
          setForm(formFromTask(fresh.task, timeZone));
          setSource(fresh.task);
        }
      },
      () => {
        // Editing still works without the fresh copy (just without If-Match).
      },
    );
  }, [loadLatest, task.updated_at, timeZone]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.title.trim()) {
      setFields({ title: t('errTitleRequired') });
      return;
    }
    // Only what the user changed in the form, never a field changed elsewhere meanwhile.
    const patch = patchFromForm(form, source, timeZone);
    if (Object.keys(patch).length === 0) {
      props.onClose();
      return;
    }
    setFields({});
    if (changedElsewhere(source, base.task, timeZone)) {
      // The stored task differs from the copy the user edited: the ETag we hold is for
      // the stored one, so sending it would overwrite. Same answer as a 412.
      setConflict(true);
      setError(t('errEditConflict'));
      return;
    }
    setBusy(true);
    setError(undefined);
    setConflict(false);
    try {
      props.onSaved(await tasks.update(task.id, patch, base.etag));
    } catch (e) {
      setBusy(false);
      if (isApiError(e) && e.status === 412) {
        setConflict(true);
        setError(t('errEditConflict'));
        return;
      }
      if (isApiError(e)) setFields(fieldMessages(e.fields, t, language));
      setError(describeError(e, t, 'errSave'));
    }
  }

  const dueError = fields.due_date ?? fields.due_at;
  return (
    <Modal title={t('editTask', { title: task.title })} onClose={props.onClose}>
      <form className="editor" onSubmit={submit} noValidate>
        {error && (
          <div className="banner banner-error" role="alert">
            <p>{error}</p>
            {conflict && (
              <button
                type="button"
                onClick={() =>
                  loadLatest(true).then(
                    () => {
                      setConflict(false);
                      setError(undefined);
                    },
                    (e: unknown) => setError(describeError(e, t, 'errSave')),
                  )
                }
              >
                {t('loadLatest')}
              </button>
            )}
          </div>
        )}
        <Field label={t('title')} error={fields.title}>
          <input name="title" value={form.title} onChange={(e) => set('title', e.target.value)} />
        </Field>
        <Field label={t('notes')} error={fields.description}>
          <textarea
            name="description"
            rows={3}
            value={form.description}
            onChange={(e) => set('description', e.target.value)}
          />
        </Field>
        <fieldset className="due-fieldset">
          <legend>{t('due')}</legend>
          <div className="segmented">
            {(['none', 'day', 'time'] as DueKind[]).map((kind) => (
              <label key={kind}>
                <input
                  type="radio"
                  name="due-kind"
                  value={kind}
                  checked={form.dueKind === kind}
                  onChange={() => set('dueKind', kind)}
                />
                {t(kind === 'none' ? 'dueNone' : kind === 'day' ? 'dueDay' : 'dueTime')}
              </label>
            ))}
          </div>
          {form.dueKind === 'day' && (
            <Field label={t('dueDate')} error={dueError}>
              <input
                type="date"
                name="due_date"
                value={form.dueDate}
                onChange={(e) => set('dueDate', e.target.value)}
              />
            </Field>
          )}
          {form.dueKind === 'time' && (
            <Field
              label={t('dueDateTime')}
              error={dueError}
              hint={t('timesInZone', { tz: timeZone })}
            >
              <input
                type="datetime-local"
                name="due_at"
                value={form.dueAt}
                onChange={(e) => set('dueAt', e.target.value)}
              />
            </Field>
          )}
        </fieldset>
        <Field
          label={t('reminderAt')}
          error={fields.remind_at}
          hint={t('timesInZone', { tz: timeZone })}
        >
          <input
            type="datetime-local"
            name="remind_at"
            value={form.remindAt}
            onChange={(e) => set('remindAt', e.target.value)}
          />
        </Field>
        <div className="field-row">
          <Field label={t('priority')} error={fields.priority}>
            <select
              name="priority"
              value={form.priority}
              onChange={(e) => set('priority', Number(e.target.value) as Priority)}
            >
              {[0, 1, 2, 3].map((p) => (
                <option key={p} value={p}>
                  {t(`priority${p}` as MessageKey)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('recurrence')} error={customRule ? undefined : fields.recurrence}>
            <select
              name="recurrence-preset"
              value={customRule ? CUSTOM : form.recurrence}
              onChange={(e) => {
                const value = e.target.value;
                setCustomRule(value === CUSTOM);
                if (value !== CUSTOM) set('recurrence', value);
              }}
            >
              <option value="">{t('recurNone')}</option>
              {RECURRENCE_PRESETS.map((preset) => (
                <option key={preset.rule} value={preset.rule}>
                  {t(preset.label)}
                </option>
              ))}
              <option value={CUSTOM}>{t('recurCustom')}</option>
            </select>
          </Field>
        </div>
        {customRule && (
          <Field label="RRULE" error={fields.recurrence}>
            <input
              name="recurrence"
              value={form.recurrence}
              spellCheck={false}
              placeholder="FREQ=WEEKLY;BYDAY=MO"
              onChange={(e) => set('recurrence', e.target.value)}
            />
          </Field>
        )}
        <Field label={t('tagsLabel')} hint={t('tagsHint')} error={fields.tags}>
          <input name="tags" value={form.tags} onChange={(e) => set('tags', e.target.value)} />
        </Field>
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('saving') : t('save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** True when `fresh` differs from `edited` in a field the editor shows. */
function changedElsewhere(edited: Task, fresh: Task, timeZone: string): boolean {
  if (edited === fresh) return false;
  return Object.keys(patchFromForm(formFromTask(fresh, timeZone), edited, timeZone)).length > 0;
}
