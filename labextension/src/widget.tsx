/**
 * The left-panel widget: a `ReactWidget` that renders the model's state (re-rendering on
 * `model.changed`): connection header, then classes, actions, activations and stats.
 */
import * as React from 'react';

import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { Message } from '@lumino/messaging';
import { LabIcon, refreshIcon } from '@jupyterlab/ui-components';

import { ActionsSection } from './components/actions';
import { ActivationsSection } from './components/activations';
import { ClassesSection } from './components/classes';
import { ErrorBox } from './components/section';
import { StatsSection } from './components/stats';
import { FaasModel } from './model';

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M6.5 19a4.5 4.5 0 0 1-.42-8.98A6 6 0 0 1 17.7 8.6 4.75 4.75 0 0 1 17.75 19H6.5zm3.2-9.5 2.1 3.9-2.6 4.1h1.7l1.8-2.9 1.6 2.9h1.7l-2.5-4.4 2-3.6h-1.6l-1.3 2.4-1.3-2.4H9.7z"/>
</svg>`;

export const faasIcon = new LabIcon({ name: 'jupyter-faas:openwhisk', svgstr: ICON_SVG });

function Header(props: { model: FaasModel }): JSX.Element {
  const { model } = props;
  const config = model.config;
  return (
    <div className="jp-faas-header">
      <div className="jp-faas-header-title">
        <span className="jp-faas-title">OpenWhisk</span>
        <button
          className="jp-faas-icon-button"
          title="Refresh everything"
          data-testid="faas-refresh"
          onClick={() => void model.refresh()}
        >
          <refreshIcon.react tag="span" />
        </button>
      </div>
      {config ? (
        <div className="jp-faas-dim" title={`auth ${config.auth}, from ${config.source}`}>
          {config.apihost} · {config.source}
        </div>
      ) : null}
      {model.error ? (
        <ErrorBox error={model.error} target={model} onDismiss={() => model.dismissError()} />
      ) : null}
    </div>
  );
}

export class FaasSidebar extends ReactWidget {
  constructor(model: FaasModel, confirmDelete: (name: string) => Promise<boolean>) {
    super();
    this.model = model;
    this._confirmDelete = confirmDelete;
    this.id = 'jupyter-faas-sidebar';
    this.addClass('jp-faas-sidebar');
    this.title.icon = faasIcon;
    this.title.caption = 'OpenWhisk: deploy, invoke, activations';
  }

  readonly model: FaasModel;

  /** Showing the panel refreshes what it lists (it may have changed from the CLI or the magics). */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.model.refresh();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <div className="jp-faas-panel">
            <Header model={this.model} />
            <ClassesSection model={this.model} />
            <ActionsSection model={this.model} confirmDelete={this._confirmDelete} />
            <ActivationsSection model={this.model} />
            <StatsSection model={this.model} />
          </div>
        )}
      </UseSignal>
    );
  }

  private _confirmDelete: (name: string) => Promise<boolean>;
}
