import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { SequenceChain } from '../components/chain';
import { StartBadge } from '../components/section';
import { FaasModel } from '../model';
import { qualifiedName, sequenceChain, shortName } from '../sequence';
import { actionInfo, activation, FakeApi } from './fake';

function row(name: string, namespace: string, kind: string, components: string[] | null = null) {
  return actionInfo(name, { namespace, kind, components });
}

const PIPELINE = row('pipeline', 'guest', 'sequence', [
  '/guest/gate',
  '/guest/tools/crop',
  '/whisk.system/utils/echo',
  '/guest/gate'
]);
const ACTIONS = [
  PIPELINE,
  row('gate', 'guest', 'python:3.11'),
  row('tools/crop', 'guest/tools', 'python:3.11')
];

describe('a sequence in the actions list', () => {
  it('names components as the list does, and finds their rows', () => {
    expect(shortName('/guest/gate')).toBe('gate');
    expect(shortName('/guest/tools/crop')).toBe('tools/crop');
    expect(qualifiedName(ACTIONS[2])).toBe('/guest/tools/crop');
    expect(sequenceChain(PIPELINE, ACTIONS)).toEqual([
      { qualified: '/guest/gate', short: 'gate', action: 'gate' },
      { qualified: '/guest/tools/crop', short: 'tools/crop', action: 'tools/crop' },
      { qualified: '/whisk.system/utils/echo', short: 'utils/echo', action: null },
      { qualified: '/guest/gate', short: 'gate', action: 'gate' }
    ]);
    expect(sequenceChain(ACTIONS[1], ACTIONS)).toEqual([]);
  });

  it('renders the chain in order: short names, full names in the tooltips, listed ones as links', () => {
    const html = renderToStaticMarkup(
      <SequenceChain
        links={sequenceChain(PIPELINE, ACTIONS)}
        selected="tools/crop"
        onSelect={() => undefined}
      />
    );
    const texts = [...html.matchAll(/data-testid="faas-sequence-component"[^>]*>([^<]*)</g)].map(
      m => m[1]
    );
    expect(texts).toEqual(['gate', 'tools/crop', 'utils/echo', 'gate']);
    expect(html.match(/→/g)?.length).toBe(3);
    expect(html).toContain('title="/guest/tools/crop: select it"');
    expect(html).toContain('title="/whisk.system/utils/echo (not an action listed here)"');
    expect(html.match(/<button/g)?.length).toBe(3); // the foreign component is not a link
    expect(html).toMatch(/class="jp-faas-chain-link jp-mod-selected"[^>]*>tools\/crop</);
  });

  it("badges a sequence's own activation as a sequence, not as warm", () => {
    const record = { ...activation('1'.padStart(32, '0'), 'pipeline', false), kind: 'sequence' };
    const html = renderToStaticMarkup(<StartBadge activation={record} />);
    expect(html).toContain('jp-faas-badge-sequence');
    expect(html).not.toContain('jp-faas-badge-warm');
    const plain = renderToStaticMarkup(<StartBadge activation={activation('2', 'gate', true)} />);
    expect(plain).toContain('jp-faas-badge-cold');
  });

  it('lists a sequence from the server, selects a component, and invokes the sequence like any action', async () => {
    const api = new FakeApi();
    api.actionList = ACTIONS;
    const model = new FaasModel(api);
    await model.refresh();
    const pipeline = model.actions.find(a => a.name === 'pipeline')!;
    const links = model.chain(pipeline);
    expect(links.map(l => l.action)).toEqual(['gate', 'tools/crop', null, 'gate']);

    model.invoker.select(links[1].action);
    expect(model.invoker.state?.action).toBe('tools/crop');

    model.invoker.select('pipeline');
    model.invoker.setText('{"image": "x"}');
    await model.runInvoke();
    expect(api.calls).toContain('invoke pipeline {"image":"x"} true');
    expect(model.activations[0].name).toBe('pipeline');
    model.dispose();
  });
});
