import type { ParsedTask, Span, TaskInput } from '../api/types';

export type ChipKind = 'due' | 'reminder' | 'priority' | 'recurrence' | 'tag';

/** One recognised piece of the quick-add text, which the user may dismiss. */
export interface Chip {
  id: string;
  kind: ChipKind;
  /** The words of the input this chip came from. */
  source: string;
  spans: Span[];
  tag?: string;
}

function sliceCodePoints(codePoints: string[], span: Span): string {
  return codePoints.slice(span.start, span.end).join('');
}

/** Groups the parser's spans into chips: one per parsed field, one per tag. */
export function chipsFor(parsed: ParsedTask, text: string): Chip[] {
  const codePoints = Array.from(text);
  const spansOf = (...kinds: Span['kind'][]) => parsed.spans.filter((s) => kinds.includes(s.kind));
  const source = (spans: Span[]) => spans.map((s) => sliceCodePoints(codePoints, s)).join(' ');
  const chips: Chip[] = [];

  if (parsed.due_date || parsed.due_at) {
    const spans = spansOf('date', 'time');
    chips.push({ id: 'due', kind: 'due', spans, source: source(spans) });
  }
  if (parsed.remind_at) {
    const spans = spansOf('reminder');
    chips.push({ id: 'reminder', kind: 'reminder', spans, source: source(spans) });
  }
  if (parsed.recurrence) {
    const spans = spansOf('recurrence');
    chips.push({ id: 'recurrence', kind: 'recurrence', spans, source: source(spans) });
  }
  if (parsed.priority > 0) {
    const spans = spansOf('priority');
    chips.push({ id: 'priority', kind: 'priority', spans, source: source(spans) });
  }
  const tagSpans = spansOf('tag');
  for (const tag of parsed.tags) {
    const span = tagSpans.find(
      (s) => sliceCodePoints(codePoints, s).replace(/^#/, '').toLowerCase() === tag.toLowerCase(),
    );
    const spans = span ? [span] : [];
    chips.push({ id: `tag:${tag}`, kind: 'tag', tag, spans, source: source(spans) || `#${tag}` });
  }
  return chips;
}

/** The text with the given spans cut out and the spaces tidied. */
export function removeSpans(text: string, spans: Span[]): string {
  const codePoints = Array.from(text);
  const removed = new Set<number>();
  for (const span of spans) for (let i = span.start; i < span.end; i++) removed.add(i);
  return codePoints
    .filter((_, i) => !removed.has(i))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The task to create when the user dismissed some chips: dismissed pieces stay in the
 * title as plain words and their fields are left out.
 */
export function taskFromParse(parsed: ParsedTask, text: string, dismissed: Set<string>): TaskInput {
  const chips = chipsFor(parsed, text);
  const kept = chips.filter((c) => !dismissed.has(c.id));
  const keptSpans = new Set(kept.flatMap((c) => c.spans));
  // Spans not covered by any chip (e.g. filler words the parser consumed) stay removed.
  const covered = new Set(chips.flatMap((c) => c.spans));
  const removable = parsed.spans.filter((s) => keptSpans.has(s) || !covered.has(s));
  const isDismissed = (id: string) => dismissed.has(id);
  return {
    title: removeSpans(text, removable) || parsed.title,
    due_date: isDismissed('due') ? null : parsed.due_date,
    due_at: isDismissed('due') ? null : parsed.due_at,
    remind_at: isDismissed('reminder') ? null : parsed.remind_at,
    recurrence: isDismissed('recurrence') ? null : parsed.recurrence,
    priority: isDismissed('priority') ? 0 : parsed.priority,
    tags: parsed.tags.filter((tag) => !isDismissed(`tag:${tag}`)),
  };
}
