-- Sessions, their messages and their retrieval logs: the system of record when DATABASE_URL is set.
-- Applied once, in one transaction, and recorded in schema_migrations (server/postgres_store.cpp).

CREATE TABLE sessions (
  id               text PRIMARY KEY,
  start_time       text NOT NULL,         -- ISO 8601 as the API returns it, byte for byte
  last_activity    text NOT NULL,
  last_activity_at timestamptz NOT NULL,  -- the same instant, for retention
  total_tokens     bigint NOT NULL DEFAULT 0,
  total_cost       double precision NOT NULL DEFAULT 0,
  message_count    bigint NOT NULL DEFAULT 0
);
-- Retention deletes the sessions idle the longest first.
CREATE INDEX sessions_by_last_activity ON sessions (last_activity_at);

CREATE TABLE messages (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  id         text NOT NULL,
  role       text NOT NULL,
  data       jsonb NOT NULL    -- the message as the API returns it
);
-- "The last N messages of a session": an index scan backwards, N rows read.
CREATE INDEX messages_by_session ON messages (session_id, seq);

CREATE TABLE retrieval_logs (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  message_id text NOT NULL,    -- the answer of the turn the log belongs to
  id         text NOT NULL,
  type       text NOT NULL,
  data       jsonb NOT NULL    -- the log as the API returns it (typed payload under "data")
);
CREATE INDEX retrieval_logs_by_session ON retrieval_logs (session_id, seq);
-- "The logs of a turn".
CREATE INDEX retrieval_logs_by_message ON retrieval_logs (message_id);
