// The official OpenWhisk JS client (npm "openwhisk"): a trigger with a rule against a running jupyter-faas
// engine. Run by tests/engine/test_engine_js.py with OW_APIHOST, OW_AUTH and OW_ACTION (a fresh name
// used as a prefix) in the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import openwhisk from 'openwhisk';
import { pollActivation } from './poll.mjs';

const ow = openwhisk({ apihost: process.env.OW_APIHOST, api_key: process.env.OW_AUTH });
const prefix = process.env.OW_ACTION;
const action = `${prefix}-echo`;
const trigger = `${prefix}-trigger`;
const rule = `${prefix}-rule`;
const code = "def main(args):\n    return {'x': args.get('x'), 'base': args.get('base')}\n";

test('create a trigger and a rule, fire, follow the rule to the action activation', async () => {
  await ow.actions.create({ name: action, action: code, kind: 'python:3.11' });
  const t = await ow.triggers.create({ name: trigger, trigger: { parameters: [{ key: 'base', value: 1 }] } });
  assert.equal(t.name, trigger);
  const r = await ow.rules.create({ name: rule, action, trigger });
  assert.equal(r.status, 'active');
  assert.equal(r.trigger.name, trigger);
  assert.equal(r.action.name, action);

  const fired = await ow.triggers.invoke({ name: trigger, params: { x: 42 } });
  assert.match(fired.activationId, /^[0-9a-f]{32}$/);
  const triggerRecord = await pollActivation(ow, fired.activationId);
  assert.equal(triggerRecord.name, trigger);
  const line = JSON.parse(triggerRecord.logs[0]);
  assert.equal(line.success, true);
  assert.equal(line.rule, `guest/${rule}`);
  const caused = await pollActivation(ow, line.activationId);
  assert.deepEqual(caused.response.result, { x: 42, base: 1 });

  const got = await ow.triggers.get({ name: trigger });
  assert.equal(got.rules[`guest/${rule}`].status, 'active');

  await ow.rules.disable({ name: rule });
  assert.equal((await ow.rules.get({ name: rule })).status, 'inactive');
  await ow.rules.enable({ name: rule });
  assert.equal((await ow.rules.get({ name: rule })).status, 'active');

  const rules = await ow.rules.list();
  assert.ok(rules.some((x) => x.name === rule));
  await ow.rules.delete({ name: rule });
  await ow.triggers.delete({ name: trigger });
  await ow.actions.delete({ name: action });
});
