import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { Language } from '../api/types';
import { ToastProvider } from '../components/Toasts';
import { I18nProvider } from '../i18n/I18nContext';

/** Renders inside the app's providers (language and time zone as given). */
export function renderWithApp(
  ui: ReactElement,
  language: Language = 'en',
  timeZone = 'Europe/Moscow',
) {
  return render(
    <I18nProvider language={language} timeZone={timeZone}>
      <ToastProvider>{ui}</ToastProvider>
    </I18nProvider>,
  );
}
