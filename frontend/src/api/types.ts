export type Language = 'ru' | 'en';
export type AiProvider = 'openai' | 'perplexity';

export interface User {
  id: number;
  username: string;
  email: string | null;
  language: Language;
  timezone: string;
  ai_provider: AiProvider | null;
  ai_model: string | null;
  has_openai_key: boolean;
  has_perplexity_key: boolean;
  telegram_linked: boolean;
  /** Local hour (0-23, in `timezone`) of the bot's morning digest; null = off. */
  digest_hour?: number | null;
  created_at: string;
}

export interface Session {
  token: string;
  expires_at?: string;
  user: User;
}

export type Priority = 0 | 1 | 2 | 3;

export interface Task {
  id: number;
  title: string;
  description: string;
  completed: boolean;
  completed_at: string | null;
  priority: Priority;
  due_date: string | null;
  due_at: string | null;
  remind_at: string | null;
  recurrence: string | null;
  tags: string[];
  position: number;
  created_at: string;
  updated_at: string;
}

/** Fields a client may send when creating or changing a task. */
export type TaskInput = Partial<
  Pick<
    Task,
    | 'title'
    | 'description'
    | 'completed'
    | 'priority'
    | 'due_date'
    | 'due_at'
    | 'remind_at'
    | 'recurrence'
    | 'tags'
    | 'position'
  >
>;

export type SpanKind = 'date' | 'time' | 'recurrence' | 'reminder' | 'priority' | 'tag';

export interface Span {
  start: number;
  end: number;
  kind: SpanKind;
}

export interface ParsedTask {
  title: string;
  due_date: string | null;
  due_at: string | null;
  remind_at: string | null;
  priority: Priority;
  tags: string[];
  recurrence: string | null;
  spans: Span[];
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface TelegramLink {
  code: string;
  expires_at: string;
  /** https://t.me/<bot>?start=<code>; null when the server has no bot username configured. */
  url: string | null;
}

export interface UserPatch {
  email?: string | null;
  language?: Language;
  timezone?: string;
  ai_provider?: AiProvider | null;
  ai_model?: string | null;
  openai_api_key?: string | null;
  perplexity_api_key?: string | null;
  digest_hour?: number | null;
}
