-- Telegram bot state: the update offset, reminder and digest bookkeeping.

-- The next getUpdates offset. One row; the bot locks it (FOR UPDATE) in the same
-- transaction that applies an update, so an update's effect and the offset commit together.
CREATE TABLE telegram_bot_state (
    id           smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    next_offset  bigint NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO telegram_bot_state DEFAULT VALUES;

-- The remind_at value a reminder was last sent for: a reminder is due while
-- remind_at <= now() and it differs from this, so a snoozed or moved reminder fires again
-- and a sent one never does (across restarts too).
ALTER TABLE tasks ADD COLUMN reminded_for timestamptz;

-- Daily digest: the local hour (user's time zone) to send it at, NULL = off, and the local
-- date it was last sent for.
ALTER TABLE users ADD COLUMN digest_hour smallint CHECK (digest_hour BETWEEN 0 AND 23);
ALTER TABLE users ADD COLUMN digest_sent_on date;
CREATE INDEX users_digest ON users (digest_hour) WHERE digest_hour IS NOT NULL AND telegram_chat_id IS NOT NULL;
