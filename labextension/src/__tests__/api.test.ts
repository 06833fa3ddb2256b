import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: { endPoint: string; init?: RequestInit }[] = [];

vi.mock('../request', () => ({
  requestAPI: async (endPoint: string, init?: RequestInit) => {
    calls.push({ endPoint, init });
    return {};
  }
}));

import { FaasApi, actionPath } from '../api';

const NOTEBOOK = { path: 'notebooks/demo.ipynb', cells: [] };

describe('FaasApi: one wrapper per endpoint, the only place that knows the routes', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('encodes action names segment by segment (a package keeps its slash)', async () => {
    expect(actionPath('pkg/my action')).toBe('pkg/my%20action');
    await new FaasApi().invoke('pkg/crop', { image: 'x' }, false);
    expect(calls[0].endPoint).toBe('actions/pkg/crop/invoke');
    expect(calls[0].init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({
      params: { image: 'x' },
      blocking: false
    });
  });

  it('sends a deploy form with empty fields left out, so the server applies its defaults; web when ticked', async () => {
    await new FaasApi().startBuild(NOTEBOOK, {
      className: 'SmartBodyCrop',
      name: ' smart-body-crop ',
      method: '',
      kind: '',
      image: '',
      memory: null,
      timeout: 30000,
      testArgs: { image: 'a.png' },
      test: true,
      deploy: true,
      web: true
    });
    expect(calls[0].endPoint).toBe('builds');
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({
      path: 'notebooks/demo.ipynb',
      cells: [],
      options: {
        className: 'SmartBodyCrop',
        name: 'smart-body-crop',
        timeout: 30000,
        testArgs: { image: 'a.png' },
        test: true,
        deploy: true,
        web: true
      }
    });
  });

  it('puts list filters in the query string and leaves out the empty ones', async () => {
    const api = new FaasApi();
    await api.activations({ name: 'crop', limit: 20 });
    await api.activations();
    await api.stats();
    await api.logs('abc');
    await api.deleteAction('crop');
    expect(calls.map(c => c.endPoint)).toEqual([
      'activations?name=crop&limit=20',
      'activations',
      'stats',
      'activations/abc/logs',
      'actions/crop'
    ]);
    expect(calls[4].init?.method).toBe('DELETE');
  });
});
