-- Votes on answers (POST /api/feedback): one per answer, a second vote replaces the first; gone with the session.
CREATE TABLE feedback (
  message_id text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  day        text NOT NULL,    -- the answer's UTC date, "2026-12-02": votes count on the day of their answer
  rating     text NOT NULL CHECK (rating IN ('up', 'down')),
  data       jsonb NOT NULL    -- the vote as the API returns it on the message
);
CREATE INDEX feedback_by_session ON feedback (session_id);
CREATE INDEX feedback_by_rating_day ON feedback (rating, day);
-- Votes counted per day of their answer and its outcome: kept when a session is deleted, like the turn counters.
CREATE TABLE insights_votes (
  day     text NOT NULL,
  outcome text NOT NULL,
  rating  text NOT NULL,
  votes   bigint NOT NULL,
  PRIMARY KEY (day, outcome, rating)
);

-- What GET /api/insights reads. Per-day counters: numbers only, kept when a session is deleted; a range costs its
-- days, not its messages.
CREATE TABLE insights_daily (
  day      text NOT NULL,
  agent    text NOT NULL,
  strategy text NOT NULL,
  outcome  text NOT NULL,      -- answered, declined, small_talk
  cached   boolean NOT NULL,
  bucket   integer NOT NULL,   -- latency histogram bucket (ten per decade from 0.1 ms)
  turns    bigint NOT NULL,
  tokens   bigint NOT NULL,
  cost     double precision NOT NULL,
  PRIMARY KEY (day, agent, strategy, outcome, cached, bucket)
);
-- One row per turn: the question and its nearest document section, for content gaps; gone with the session.
CREATE TABLE turn_facts (
  message_id text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  day        text NOT NULL,
  agent      text NOT NULL,
  strategy   text NOT NULL,
  outcome    text NOT NULL,
  question   text NOT NULL,
  source     text NOT NULL,
  heading    text NOT NULL,
  chunk_id   bigint NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX turn_facts_by_session ON turn_facts (session_id);
CREATE INDEX turn_facts_by_outcome_day ON turn_facts (outcome, day);
