// The official OpenWhisk JS client (npm "openwhisk") against a running jupyter-faas engine.
// Run by tests/engine/test_engine_js.py with OW_APIHOST, OW_AUTH, OW_ZIP (a zip of samples/hello)
// and OW_ACTION (a fresh action name) in the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import openwhisk from 'openwhisk';
import { pollActivation } from './poll.mjs';

const ow = openwhisk({ apihost: process.env.OW_APIHOST, api_key: process.env.OW_AUTH });
const name = process.env.OW_ACTION;

test('create a Python zip action, invoke it, read its activations', async () => {
  const zip = readFileSync(process.env.OW_ZIP);
  const created = await ow.actions.create({ name, action: zip, kind: 'python:3.11' });
  assert.equal(created.name, name);
  assert.equal(created.exec.binary, true);
  assert.equal(created.version, '0.0.1');

  const got = await ow.actions.get({ name, code: false });
  assert.equal(got.exec.code, undefined);
  assert.equal(got.exec.kind, 'python:3.11');

  const listed = await ow.actions.list();
  assert.ok(listed.some((a) => a.name === name));

  const blocking = await ow.actions.invoke({ name, blocking: true, params: { name: 'js' } });
  assert.equal(blocking.response.success, true);
  assert.equal(blocking.response.result.greeting, 'Hello, js!');
  assert.ok(blocking.annotations.some((a) => a.key === 'initTime'), 'first call is cold');

  const result = await ow.actions.invoke({ name, blocking: true, result: true, params: { name: 'again' } });
  assert.deepEqual(result, { greeting: 'Hello, again!', calls: 2 });

  const accepted = await ow.actions.invoke({ name, params: { name: 'later' } });
  assert.match(accepted.activationId, /^[0-9a-f]{32}$/);
  const record = await pollActivation(ow, accepted.activationId);
  assert.equal(record.response.result.greeting, 'Hello, later!');

  const logs = await ow.activations.logs({ name: accepted.activationId });
  assert.ok(logs.logs.some((line) => line.endsWith('stdout: call 3 for later')), JSON.stringify(logs));
  const res = await ow.activations.result({ name: accepted.activationId });
  assert.equal(res.result.calls, 3);

  const acts = await ow.activations.list({ name, limit: 10 });
  assert.equal(acts.length, 3);
  assert.equal(acts[0].activationId, accepted.activationId);

  await assert.rejects(ow.actions.get({ name: `${name}-missing` }), (err) => {
    assert.equal(err.statusCode, 404);
    assert.match(err.message, /The requested resource does not exist\./);
    return true;
  });

  const deleted = await ow.actions.delete({ name });
  assert.equal(deleted.name, name);
});
