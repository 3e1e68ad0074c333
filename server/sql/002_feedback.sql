-- Votes on answers (POST /api/feedback): one per answer, a second vote replaces the first; gone with the session.
CREATE TABLE feedback (
  message_id text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  rating     text NOT NULL CHECK (rating IN ('up', 'down')),
  data       jsonb NOT NULL    -- the vote as the API returns it on the message
);
CREATE INDEX feedback_by_session ON feedback (session_id);
