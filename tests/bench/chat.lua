-- wrk script for scripts/bench.sh: POST /api/chat (or /api/chat/stream, path given by wrk's URL) with a rotating set
-- of 24 customer questions across many conversations. Each wrk thread and connection walks its own sequence:
-- every session id gets TURNS questions in a row (a conversation), then the next session id starts.
-- Usage: wrk -t2 -c32 -d10s -s tests/bench/chat.lua http://127.0.0.1:PORT/api/chat
local questions = {
  "How much does the Pro plan cost per month?",
  "Can I get a refund on my annual plan?",
  "How do I verify webhook signatures?",
  "Which plan includes SAML single sign-on and audit logs?",
  "When is an invoice issued?",
  "Do EU businesses with a VAT number pay VAT?",
  "What does the Pro plan cost in pounds?",
  "Does the trial need a credit card?",
  "How many requests per minute does the Pro plan allow?",
  "What are the most common authentication errors?",
  "How many times are failed webhook deliveries retried?",
  "Which Go version does the Go SDK require?",
  "How long do you keep my data after I cancel?",
  "Is my data encrypted at rest?",
  "Hello!",
  "What can you do?",
  "How do I troubleshoot timeouts and 5xx errors from the SDKs?",
  "I was charged twice this month, why?",
  "Do you accept PayPal or prepaid cards?",
  "When does a downgrade take effect?",
  "How much file storage does Enterprise include?",
  "What does a 403 error mean for my API key?",
  "Can I change the currency of my running subscription?",
  "How long does the nonprofit discount review take?",
}
local TURNS = 8

local thread_seq = 0
function setup(thread)
  thread_seq = thread_seq + 1
  thread:set("thread_id", thread_seq)
end

local counter = 0
local run = tostring(os.time() % 100000)

local function json_escape(s)
  return (s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

function request()
  counter = counter + 1
  local q = questions[(counter * 7 + (thread_id or 0)) % #questions + 1]
  local conversation = math.floor(counter / TURNS)
  local sid = string.format("%08x-%04x-4%03x-8000-%012x", tonumber(run), thread_id or 0, 0, conversation)
  local body = '{"message":"' .. json_escape(q) .. '","session_id":"' .. sid .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

-- One JSON line for scripts/bench.sh (latencies in milliseconds). wrk counts non-2xx answers in errors.status.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"non2xx":%d,"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write, e.timeout))
end
