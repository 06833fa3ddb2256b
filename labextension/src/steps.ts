/**
 * An error's next steps in the sidebar's words: a button for each step the sidebar can do itself (open
 * an activation, refresh its lists). The server extension sends the steps as data (`IStep`, its
 * `errors.Step`); those the sidebar cannot do stay in the fix's text, as the `jupyter-faas` command to
 * run in a terminal. No JupyterLab imports: the model is the target, and tests give a fake one.
 */
import { IStep } from './payloads';

/** What a step button acts on: the sidebar's model. */
export interface IStepTarget {
  openActivation(activationId: string | null): Promise<void>;
  refresh(): Promise<void>;
}

export interface IStepButton {
  label: string;
  title: string;
  run(target: IStepTarget): Promise<void>;
}

const REFRESH: IStepButton = {
  label: 'Refresh',
  title: 'Reload the configuration, the actions, the activations and the stats',
  run: target => target.refresh()
};

function buttonOf(step: IStep): IStepButton | null {
  const [id] = step.args;
  switch (step.verb) {
    case 'activation.get':
    case 'activation.logs':
      return id
        ? {
            label: `Open activation ${id.slice(0, 8)}`,
            title: `Show activation ${id}: its record and its logs`,
            run: target => target.openActivation(id)
          }
        : null;
    case 'action.list':
    case 'activation.list':
    case 'config':
      return REFRESH;
    default:
      return null;
  }
}

/** The buttons for `steps`, each once, in the fix's order. */
export function stepButtons(steps: IStep[] | undefined): IStepButton[] {
  const buttons: IStepButton[] = [];
  for (const step of steps ?? []) {
    const button = buttonOf(step);
    if (button && !buttons.some(b => b.label === button.label)) {
      buttons.push(button);
    }
  }
  return buttons;
}
