import { useEffect, useState } from 'react';
import { tasks } from '../api/endpoints';
import type { ParsedTask } from '../api/types';

export interface ParsePreview {
  /** The text the result belongs to. */
  text: string;
  parsed?: ParsedTask;
  error?: unknown;
}

/** Asks the server how it reads the quick-add text, at most every `delayMs`. */
export function useParsePreview(
  text: string,
  timeZone: string,
  delayMs = 250,
): ParsePreview | null {
  const [preview, setPreview] = useState<ParsePreview | null>(null);

  useEffect(() => {
    if (!text.trim()) {
      setPreview(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      tasks.parse(text, timeZone, controller.signal).then(
        (parsed) => setPreview({ text, parsed }),
        (error: unknown) => {
          if (!controller.signal.aborted) setPreview({ text, error });
        },
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, timeZone, delayMs]);

  return preview;
}
