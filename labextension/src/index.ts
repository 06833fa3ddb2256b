/**
 * The JupyterLab plugin of jupyter-faas: the OpenWhisk sidebar in the left panel, and its commands
 * ("Open the OpenWhisk sidebar", "Deploy the class under the cursor", "Refresh") in the palette and the
 * notebook's context menu. It wires JupyterLab (notebook tracker, shell, dialogs) to the model; the
 * model and the view own the rest.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { FaasApi } from './api';
import { FaasModel } from './model';
import { classAtCursor, cursorOf, notebookPayload } from './notebook';
import { CommandIDs } from './payloads';
import { FaasSidebar, faasIcon } from './widget';

const CATEGORY = 'OpenWhisk';

async function confirmDelete(name: string): Promise<boolean> {
  const result = await showDialog({
    title: 'Delete action',
    body: `Delete the action ${name} and its code from OpenWhisk? Its activations stay.`,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
  });
  return result.button.accept;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-faas:plugin',
  description: 'Deploy a notebook class to Apache OpenWhisk, invoke it, watch its activations.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, palette: ICommandPalette | null) => {
    const model = new FaasModel(new FaasApi());
    const sidebar = new FaasSidebar(model, confirmDelete);
    app.shell.add(sidebar, 'left', { rank: 850 });

    let timer: ReturnType<typeof setTimeout> | null = null;
    const sendNotebook = (panel: NotebookPanel | null) => {
      if (timer !== null) {
        clearTimeout(timer);
      }
      timer = setTimeout(() => {
        timer = null;
        void model.setNotebook(panel ? notebookPayload(panel) : null);
      }, 300);
    };
    const watch = (panel: NotebookPanel | null) => {
      sendNotebook(panel);
      if (panel) {
        void panel.context.ready.then(() => sendNotebook(tracker.currentWidget));
      }
    };
    tracker.currentChanged.connect((_, panel) => watch(panel));
    tracker.widgetAdded.connect((_, panel) => {
      panel.content.model?.contentChanged.connect(() => {
        if (tracker.currentWidget === panel) {
          sendNotebook(panel);
        }
      });
    });
    watch(tracker.currentWidget);

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open the OpenWhisk Sidebar',
      caption: 'Deploy notebook classes to OpenWhisk, invoke them, watch activations',
      icon: faasIcon,
      execute: () => {
        app.shell.activateById(sidebar.id);
        void model.refresh();
      }
    });

    app.commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh the OpenWhisk Sidebar',
      execute: () => model.refresh()
    });

    app.commands.addCommand(CommandIDs.deployAtCursor, {
      label: 'Deploy the Class Under the Cursor to OpenWhisk',
      caption: 'Build, test locally and deploy the class the cursor is in',
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        const panel = tracker.currentWidget;
        if (!panel) {
          return;
        }
        await model.setNotebook(notebookPayload(panel));
        const info = classAtCursor(model.classes, cursorOf(panel));
        app.shell.activateById(sidebar.id);
        if (!info) {
          await showDialog({
            title: 'No class under the cursor',
            body: 'Put the cursor inside a class definition (a cell with `class Name:`), then try again.',
            buttons: [Dialog.okButton()]
          });
          return;
        }
        if (model.deploys.expanded !== info.name) {
          model.deploys.expand(info.name);
        }
        await model.deploy(info.name);
      }
    });

    if (palette) {
      for (const command of [CommandIDs.open, CommandIDs.deployAtCursor, CommandIDs.refresh]) {
        palette.addItem({ command, category: CATEGORY });
      }
    }
    app.contextMenu.addItem({
      command: CommandIDs.deployAtCursor,
      selector: '.jp-Notebook .jp-CodeCell',
      rank: 90
    });

    void app.restored.then(() => model.refresh());
  }
};

export default plugin;
