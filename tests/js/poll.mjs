// Wait for an activation record as OpenWhisk clients must: GET it, and retry while it answers 404
// (not stored yet). Shared by the JS client tests.
import assert from 'node:assert/strict';

export async function pollActivation(ow, id) {
  for (let i = 0; i < 600; i++) {
    try {
      return await ow.activations.get({ name: id });
    } catch (err) {
      assert.equal(err.statusCode, 404, String(err));
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
  throw new Error(`activation ${id} never stored`);
}
