// The wire contract, checked on real answers: every response the server gives over loopback (REST, errors, the SSE
// events of both stream routes) and every answer of the in-page engine (through tests/local/oai_contract_samples) is
// validated against src/model/contract.schema.json with Ajv: no extra keys, exact enums, the original client's four
// log types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ROOT, startServer } from './helpers.mjs';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'model', 'contract.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addSchema(schema);

function check(name, body, where) {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/${name}`);
  assert.ok(validate, `schema has no ${name}`);
  const ok = validate(body);
  assert.ok(ok, `${where}: not a valid ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`);
}

const SESSION = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const QUESTIONS = [
  'How much does the Pro plan cost?', 'How much does the Pro plan cost?', 'hi', 'How do I verify a webhook signature?',
  'What is your refund policy?', 'Can I get a refund on my annual plan if the API keeps failing?', 'and for Enterprise?',
  'what is the weather in Paris', 'thanks!',
];

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

async function api(method, p, body, headers = {}) {
  const r = await fetch(server.base + p, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, json, text, headers: r.headers };
}

// Server-sent events as [{id, event, data}].
function parseSse(text) {
  return text.split('\n\n').filter((b) => b.trim()).map((block) => {
    const e = {};
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      const k = line.slice(0, i);
      const v = line.slice(i + 1).replace(/^ /, '');
      e[k] = k === 'data' && e.data !== undefined ? `${e.data}\n${v}` : v;
    }
    return e;
  });
}

const EVENT_SCHEMAS = { agent_status: 'AgentStatusEvent', retrieval_log: 'RetrievalLog', message_chunk: 'MessageChunkEvent',
  done: 'DoneEvent', stream_error: 'StreamErrorEvent' };

function checkStream(text, where) {
  const events = parseSse(text);
  assert.ok(events.length > 3, `${where}: too few events`);
  for (const e of events) {
    assert.ok(e.id, `${where}: event without id`);
    assert.ok(EVENT_SCHEMAS[e.event], `${where}: unknown event ${e.event}`);
    check(EVENT_SCHEMAS[e.event], JSON.parse(e.data), `${where} ${e.event}`);
  }
  assert.equal(events.at(-1).event, 'done', `${where}: the stream ends with done`);
  return events;
}

test('every server response is valid against the contract schema', async () => {
  let r = await api('GET', '/api/health');
  assert.equal(r.status, 200);
  check('HealthStatus', r.json, 'GET /api/health');
  r = await api('GET', '/api/agents');
  check('AgentList', r.json, 'GET /api/agents');
  r = await api('GET', '/api/documents');
  check('DocumentList', r.json, 'GET /api/documents');
  for (const doc of r.json.slice(0, 5)) {
    const one = await api('GET', `/api/documents/${doc.id}`);
    assert.equal(one.status, 200, one.text);
    check('DocumentDetail', one.json, `GET /api/documents/${doc.id}`);
  }
  r = await api('GET', '/api/documents/policy/none.md');
  assert.equal(r.status, 404);
  check('ErrorResponse', r.json, 'GET /api/documents/policy/none.md');
  r = await api('POST', '/api/session');
  assert.equal(r.status, 201);
  check('SessionCreated', r.json, 'POST /api/session');

  const types = new Set();
  for (const message of QUESTIONS) {
    r = await api('POST', '/api/chat', { message, session_id: SESSION.toUpperCase() });
    assert.equal(r.status, 200, r.text);
    check('ChatResponse', r.json, `POST /api/chat "${message}"`);
    for (const log of r.json.logs) types.add(log.type);
  }
  assert.deepEqual([...types].sort(), ['cache', 'documents', 'routing', 'vector_search']);

  r = await api('GET', `/api/session/${SESSION}`);
  const answer = r.json.messages[1].id;
  r = await api('POST', '/api/feedback', { session_id: SESSION, message_id: answer, rating: 'down', reason: 'wrong', comment: 'Not my plan' });
  assert.equal(r.status, 200, r.text);
  check('FeedbackRecord', r.json, 'POST /api/feedback');
  r = await api('GET', `/api/session/${SESSION}`);
  check('SessionHistory', r.json, 'GET /api/session/{id}');
  assert.equal(r.json.messages.length, 2 * QUESTIONS.length);
  assert.equal(r.json.messages[1].feedback.reason, 'wrong');
  r = await api('GET', '/api/insights');
  assert.equal(r.status, 200, r.text);
  check('InsightsReport', r.json, 'GET /api/insights');
  assert.ok(r.json.totals.questions >= QUESTIONS.length);
  assert.ok(r.json.totals.thumbs_down >= 1);

  for (const [method, p, body, status, headers] of [
    ['POST', '/api/chat', { message: '', session_id: 'nope' }, 400],
    ['POST', '/api/chat', '{"message": "hi"', 400],
    ['POST', '/api/chat', { message: 'hi', session_id: SESSION }, 415, { 'Content-Type': 'text/plain' }],
    ['GET', '/api/session/not-a-uuid', undefined, 400],
    ['GET', '/api/session/00000000-0000-4000-8000-000000000000', undefined, 404],
    ['GET', '/api/chat', undefined, 405],
    ['PUT', '/api/session', undefined, 405],
    ['GET', '/api/nothing', undefined, 404],
    ['GET', `/api/session/${SESSION}/export?format=xml`, undefined, 400],
    ['POST', '/api/feedback', { session_id: SESSION, message_id: SESSION, rating: 'sideways' }, 400],
    ['POST', '/api/feedback', { session_id: SESSION, message_id: '00000000-0000-4000-8000-000000000000', rating: 'up' }, 404],
    ['GET', '/api/feedback', undefined, 405],
    ['GET', '/api/insights?from=2026-13-01', undefined, 400],
    ['POST', '/api/chat', 'x'.repeat(70 * 1024), 413],
  ]) {
    const res = await fetch(server.base + p, {
      method,
      headers: { 'Content-Type': 'application/json', ...(headers || {}) },
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
    assert.equal(res.status, status, `${method} ${p}`);
    const json = await res.json();
    check('ErrorResponse', json, `${method} ${p} → ${status}`);
    assert.equal(json.error.requestId, res.headers.get('x-request-id'));
  }
});

test('stream events are valid against the contract schema', async () => {
  const body = JSON.stringify({ message: 'What are the API rate limits?', session_id: SESSION });
  const direct = await fetch(`${server.base}/api/chat/stream`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  assert.equal(direct.status, 200);
  const events = checkStream(await direct.text(), 'POST /api/chat/stream');
  assert.ok(events.some((e) => e.event === 'retrieval_log'));

  const init = await api('POST', '/api/chat/stream/initiate', { message: 'Can I pay by invoice?', session_id: SESSION });
  assert.equal(init.status, 201);
  check('StreamInitiated', init.json, 'POST /api/chat/stream/initiate');
  const stream = await fetch(`${server.base}/api/chat/stream/${init.json.stream_id}`);
  checkStream(await stream.text(), 'GET /api/chat/stream/{id}');
});

test('every in-page engine response is valid against the contract schema', () => {
  const program = path.join(ROOT, 'build', 'native', 'tests', 'local', 'oai_contract_samples');
  const lines = execFileSync(program, { encoding: 'utf8' }).trim().split('\n');
  assert.ok(lines.length >= 15);
  const types = new Set();
  for (const line of lines) {
    const sample = JSON.parse(line);
    check(sample.schema, sample.body, `in-page ${sample.request} → ${sample.status}`);
    if (sample.schema === 'ChatResponse') for (const log of sample.body.logs) types.add(log.type);
  }
  assert.deepEqual([...types].sort(), ['cache', 'documents', 'routing', 'vector_search']);
});

test('the schema rejects what the original client rejects', () => {
  const validate = ajv.getSchema(`${schema.$id}#/$defs/ChatResponse`);
  const good = {
    message: 'x', agent: 'billing', confidence: 0.5, logs: [], metrics: { tokensUsed: 1, cost: 0, latency: 1, cache_status: 'none' },
    agent_status: { orchestrator: 'complete', billing: 'complete', technical: 'idle', policy: 'idle' },
  };
  assert.ok(validate(good));
  assert.ok(!validate({ ...good, message_id: 'x' }), 'an extra key');
  const llmLog = { id: SESSION, type: 'llm', title: 't', data: {}, timestamp: '2026-11-24T10:00:00Z', status: 'success' };
  assert.ok(!validate({ ...good, logs: [llmLog] }), 'a fifth log type');
  assert.ok(!validate({ ...good, logs: [{ ...llmLog, type: 'cache' }] }), 'data that is not the type\'s payload');
});
