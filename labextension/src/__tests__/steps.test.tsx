import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { ErrorBox } from '../components/section';
import { errorFromResponse } from '../errors';
import { IStepTarget, stepButtons } from '../steps';

const ID = '0123456789abcdef0123456789abcdef';

class Target implements IStepTarget {
  calls: string[] = [];
  async openActivation(activationId: string | null): Promise<void> {
    this.calls.push(`open ${activationId}`);
  }
  async refresh(): Promise<void> {
    this.calls.push('refresh');
  }
}

describe('next steps', () => {
  it('words the steps the sidebar can do as buttons, each once, and leaves the others to the fix', async () => {
    const buttons = stepButtons([
      { verb: 'activation.logs', args: [ID] },
      { verb: 'action.list', args: [] },
      { verb: 'activation.list', args: [] },
      { verb: 'engine.stop', args: ['--data-dir', '/tmp/x'] }
    ]);
    expect(buttons.map(b => b.label)).toEqual(['Open activation 01234567', 'Refresh']);
    const target = new Target();
    for (const button of buttons) {
      await button.run(target);
    }
    expect(target.calls).toEqual([`open ${ID}`, 'refresh']);
    expect(stepButtons([{ verb: 'activation.get', args: [] }])).toEqual([]);
    expect(stepButtons(undefined)).toEqual([]);
  });

  it('keeps the steps of an error answer and shows their buttons under the fix', () => {
    const error = errorFromResponse(504, {
      error: 'Activation did not finish within 1 s.',
      code: 'ActivationTimeout',
      fix: `It may still be running: see \`jupyter-faas activation get ${ID}\` later.`,
      steps: [{ verb: 'activation.get', args: [ID] }]
    });
    expect(error.steps).toEqual([{ verb: 'activation.get', args: [ID] }]);
    const html = renderToStaticMarkup(<ErrorBox error={error.toPayload()} target={new Target()} />);
    expect(html).toContain('data-testid="faas-error-step"');
    expect(html).toContain('Open activation 01234567');
    expect(renderToStaticMarkup(<ErrorBox error={error.toPayload()} />)).not.toContain(
      'faas-error-step'
    );
  });
});
