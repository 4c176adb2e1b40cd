import { idempotencyKey, request, requestWithHeaders } from './client';
import type {
  Language,
  Page,
  ParsedTask,
  Session,
  Task,
  TaskInput,
  TelegramLink,
  User,
  UserPatch,
} from './types';

export interface RegisterInput {
  username: string;
  password: string;
  email?: string;
  language?: Language;
  timezone?: string;
}

export const auth = {
  register: (input: RegisterInput) =>
    request<Session>('/api/auth/register', { method: 'POST', body: input }),
  login: (username: string, password: string) =>
    request<Session>('/api/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
};

export const users = {
  me: () => request<User>('/api/users/me'),
  update: (patch: UserPatch) => request<User>('/api/users/me', { method: 'PATCH', body: patch }),
  changePassword: (old_password: string, new_password: string) =>
    request<void>('/api/users/me/password', {
      method: 'POST',
      body: { old_password, new_password },
    }),
  createTelegramLink: () =>
    request<TelegramLink>('/api/users/me/telegram-link', { method: 'POST' }),
  unlinkTelegram: () => request<void>('/api/users/me/telegram-link', { method: 'DELETE' }),
};

export interface TaskQuery {
  completed?: boolean;
  q?: string;
  tag?: string;
  ordering?: string;
  limit?: number;
}

export function taskQueryString(query: TaskQuery): string {
  const params = new URLSearchParams();
  params.set('limit', String(query.limit ?? 500));
  if (query.completed !== undefined) params.set('completed', String(query.completed));
  if (query.q) params.set('q', query.q);
  if (query.tag) params.set('tag', query.tag);
  if (query.ordering) params.set('ordering', query.ordering);
  return params.toString();
}

/** Largest number of pages read for one list; 10 x 500 tasks is more than a screen shows. */
const MAX_PAGES = 10;

export const tasks = {
  async list(query: TaskQuery, signal?: AbortSignal): Promise<Task[]> {
    let url: string | null = `/api/tasks/?${taskQueryString(query)}`;
    const all: Task[] = [];
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const data: Page<Task> = await request<Page<Task>>(url, { signal });
      all.push(...data.results);
      url = data.next;
    }
    return all;
  },
  /** `key` makes a retry of the same creation safe: pass the same key again. */
  create: (input: TaskInput, key = idempotencyKey()) =>
    request<Task>('/api/tasks/', {
      method: 'POST',
      body: input,
      headers: { 'Idempotency-Key': key },
    }),
  quick: (text: string, key = idempotencyKey()) =>
    request<Task>('/api/tasks/quick', {
      method: 'POST',
      body: { text },
      headers: { 'Idempotency-Key': key },
    }),
  parse: (text: string, tz: string | undefined, signal?: AbortSignal) =>
    request<ParsedTask>('/api/tasks/parse', { method: 'POST', body: { text, tz }, signal }),
  /** The task as stored now, with its ETag for a later `update(..., etag)`. */
  async get(id: number): Promise<{ task: Task; etag: string | null }> {
    const { data, headers } = await requestWithHeaders<Task>(`/api/tasks/${id}`);
    return { task: data, etag: headers.get('ETag') };
  },
  /** With `etag`, the server refuses (412) if the task changed since it was read. */
  update: (id: number, patch: TaskInput, etag?: string | null) =>
    request<Task>(`/api/tasks/${id}`, {
      method: 'PATCH',
      body: patch,
      headers: etag ? { 'If-Match': etag } : undefined,
    }),
  remove: (id: number, keepalive = false) =>
    request<void>(`/api/tasks/${id}`, { method: 'DELETE', keepalive }),
};
