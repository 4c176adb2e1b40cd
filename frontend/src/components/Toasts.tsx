import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useI18n } from '../i18n/I18nContext';
import { Icon } from './Icon';

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface ToastInput {
  message: string;
  action?: ToastAction;
  tone?: 'info' | 'error';
  /** Milliseconds before the toast goes away by itself; errors stay until dismissed. */
  timeout?: number;
  /** Called when the toast goes away without its action being used. */
  onExpire?: () => void;
}

interface Toast extends ToastInput {
  id: number;
}

interface ToastApi {
  show: (toast: ToastInput) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi>({ show: () => 0, dismiss: () => {} });

export function useToasts(): ToastApi {
  return useContext(ToastContext);
}

/** Shows short messages at the bottom of the screen, with an optional action (Undo). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const pending = useRef(new Map<number, Toast>());

  const remove = useCallback((id: number, expired: boolean) => {
    const timer = timers.current.get(id);
    if (timer) clearTimeout(timer);
    timers.current.delete(id);
    const toast = pending.current.get(id);
    pending.current.delete(id);
    setToasts((list) => list.filter((item) => item.id !== id));
    if (expired) toast?.onExpire?.();
  }, []);

  const show = useCallback(
    (input: ToastInput) => {
      const toast: Toast = { ...input, id: nextId.current++ };
      pending.current.set(toast.id, toast);
      setToasts((list) => [...list.slice(-2), toast]);
      const timeout = input.timeout ?? (input.tone === 'error' ? 0 : 5000);
      if (timeout > 0)
        timers.current.set(
          toast.id,
          setTimeout(() => remove(toast.id, true), timeout),
        );
      return toast.id;
    },
    [remove],
  );

  const api = useMemo<ToastApi>(
    () => ({ show, dismiss: (id) => remove(id, true) }),
    [show, remove],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone ?? 'info'}`}>
            <span className="toast-message">{toast.message}</span>
            {toast.action && (
              <button
                type="button"
                className="toast-action"
                onClick={() => {
                  remove(toast.id, false);
                  toast.action?.run();
                }}
              >
                {toast.action.label}
              </button>
            )}
            <button
              type="button"
              className="icon-button"
              aria-label={t('dismiss')}
              onClick={() => remove(toast.id, true)}
            >
              <Icon name="close" size={18} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
