-- Accounts, sessions and tasks. Applied by `tudushka-api --migrate` inside one transaction.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username           text NOT NULL,
    password_hash      text NOT NULL,
    email              text,
    language           text NOT NULL DEFAULT 'en' CHECK (language IN ('ru', 'en')),
    timezone           text NOT NULL DEFAULT 'UTC',
    ai_provider        text CHECK (ai_provider IN ('openai', 'perplexity')),
    ai_model           text,
    openai_key_box     bytea,      -- libsodium secretbox under the server key; never returned
    perplexity_key_box bytea,
    telegram_chat_id   bigint UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case ("Anna" and "anna" are one person).
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

-- Bearer tokens, stored only as their SHA-256.
CREATE TABLE sessions (
    token_hash  text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tasks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
    description   text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
    completed     boolean NOT NULL DEFAULT false,
    completed_at  timestamptz,
    priority      smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
    due_date      date,
    due_at        timestamptz,
    remind_at     timestamptz,
    recurrence    text,
    tags          text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    position      integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (due_date IS NULL OR due_at IS NULL)
);
-- One index per ordering, each led by user_id, so every list query is an index scan.
CREATE INDEX tasks_user_created ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX tasks_user_due ON tasks (user_id, due_at, due_date, id);
CREATE INDEX tasks_user_priority ON tasks (user_id, priority DESC, id);
CREATE INDEX tasks_user_position ON tasks (user_id, position, id);
CREATE INDEX tasks_tags ON tasks USING gin (tags);
CREATE INDEX tasks_search ON tasks USING gin ((title || ' ' || description) gin_trgm_ops);
-- Reminders still to send (the bot scans this).
CREATE INDEX tasks_remind_pending ON tasks (remind_at) WHERE remind_at IS NOT NULL AND NOT completed;

-- POST replays: the first answer to (user, Idempotency-Key) for 24 hours.
CREATE TABLE idempotency_keys (
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        integer,
    body          text,
    location      text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- One-time codes that link a Telegram chat to an account (15 minutes).
CREATE TABLE telegram_link_codes (
    code        text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX telegram_link_codes_user ON telegram_link_codes (user_id);
