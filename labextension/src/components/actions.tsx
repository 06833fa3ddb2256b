/**
 * The actions of the namespace (version, kind, last activation; a sequence with its components as a
 * chain whose links select them), delete with confirmation, and the invoke
 * editor of the selected action: JSON parameters (a file can be put in as a data: URL), blocking or not,
 * and the result, with images shown as images.
 */
import * as React from 'react';

import { deleteIcon, refreshIcon, runIcon } from '@jupyterlab/ui-components';

import { formatAgo, formatMs } from '../format';
import { FaasModel } from '../model';
import { isSequence } from '../sequence';
import { IActionInfo } from '../payloads';
import { SequenceChain } from './chain';
import { Badge, ErrorBox, ResultView, Section, Spinner, StartBadge } from './section';

function readAsDataURL(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function InvokePanel(props: { model: FaasModel }): JSX.Element | null {
  const { model } = props;
  const state = model.invoker.state;
  const [key, setKey] = React.useState('image');
  if (!state) {
    return null;
  }
  const activation = state.activation;
  return (
    <div className="jp-faas-invoke" data-testid="faas-invoke">
      <label>
        <span>Parameters (JSON) for {state.action}</span>
        <textarea
          className="jp-mod-styled jp-faas-code"
          rows={5}
          value={state.text}
          spellCheck={false}
          data-testid="faas-invoke-params"
          onChange={e => model.invoker.setText(e.target.value)}
        />
      </label>
      <div className="jp-faas-form-row jp-faas-attach">
        <span>Put a file in as</span>
        <input
          className="jp-mod-styled"
          value={key}
          size={8}
          aria-label="parameter name for the file"
          onChange={e => setKey(e.target.value)}
        />
        <input
          type="file"
          data-testid="faas-invoke-file"
          onChange={async e => {
            const file = e.target.files?.[0];
            if (file && key.trim() !== '') {
              model.invoker.setParam(key.trim(), await readAsDataURL(file));
            }
          }}
        />
      </div>
      <div className="jp-faas-form-actions">
        <label className="jp-faas-check">
          <input
            type="checkbox"
            checked={state.blocking}
            data-testid="faas-invoke-blocking"
            onChange={e => model.invoker.setBlocking(e.target.checked)}
          />
          wait for the result (blocking)
        </label>
        <button
          className="jp-mod-styled jp-mod-accept jp-faas-button"
          disabled={state.running}
          data-testid="faas-invoke-button"
          onClick={() => void model.runInvoke()}
        >
          {state.running ? 'Invoking…' : 'Invoke'}
        </button>
      </div>
      {state.error ? <ErrorBox error={state.error} target={model} /> : null}
      {state.running ? <Spinner /> : null}
      {!state.running && state.activationId && !activation ? (
        <div className="jp-faas-dim" data-testid="faas-invoke-started">
          Started activation {state.activationId.slice(0, 12)}…: it appears under Activations when
          done.
        </div>
      ) : null}
      {activation ? (
        <div className="jp-faas-invoke-result" data-testid="faas-invoke-result">
          <div>
            <Badge kind={activation.success ? 'ok' : 'fail'}>{activation.status}</Badge>{' '}
            <StartBadge activation={activation} /> {formatMs(activation.duration)}
          </div>
          <ResultView value={activation.response?.result} testid="faas-invoke-result-value" />
        </div>
      ) : null}
    </div>
  );
}

/** Select an action (its invoke editor opens) and bring its row into view. */
function selectAndShow(model: FaasModel, name: string): void {
  model.invoker.select(name);
  requestAnimationFrame(() => {
    const rows = document.querySelectorAll<HTMLElement>('#jupyter-faas-sidebar .jp-faas-action');
    for (const row of rows) {
      if (row.dataset.testid === `faas-action-${name}`) {
        row.scrollIntoView({ block: 'nearest' });
      }
    }
  });
}

function ActionRow(props: {
  model: FaasModel;
  action: IActionInfo;
  confirmDelete: (name: string) => Promise<boolean>;
}): JSX.Element {
  const { model, action } = props;
  const selected = model.invoker.state?.action === action.name;
  const last = action.lastActivation;
  const sequence = isSequence(action);
  const chain = model.chain(action);
  return (
    <li
      className={`jp-faas-action ${selected ? 'jp-mod-selected' : ''}`}
      data-testid={`faas-action-${action.name}`}
    >
      <div
        className="jp-faas-row"
        onClick={() => model.invoker.select(selected ? null : action.name)}
      >
        <span className="jp-faas-name" title={action.name}>
          {action.name}
        </span>
        {sequence ? (
          <Badge
            kind="sequence"
            title="a sequence: each component's result is the next one's input"
          >
            sequence
          </Badge>
        ) : null}
        <Badge kind="info" title="version">
          {action.version}
        </Badge>
        <span className="jp-faas-spacer" />
        <button
          className="jp-faas-icon-button"
          title={`Invoke ${action.name}`}
          onClick={e => {
            e.stopPropagation();
            model.invoker.select(action.name);
          }}
        >
          <runIcon.react tag="span" />
        </button>
        <button
          className="jp-faas-icon-button"
          title={`Delete ${action.name}`}
          data-testid="faas-delete"
          onClick={async e => {
            e.stopPropagation();
            if (await props.confirmDelete(action.name)) {
              await model.deleteAction(action.name);
            }
          }}
        >
          <deleteIcon.react tag="span" />
        </button>
      </div>
      {sequence ? (
        <SequenceChain
          links={chain}
          selected={model.invoker.state?.action ?? null}
          onSelect={name => selectAndShow(model, name)}
        />
      ) : null}
      <div className="jp-faas-doc jp-faas-action-meta">
        {sequence
          ? `sequence of ${chain.length}`
          : `${action.image ? `blackbox ${action.image}` : action.kind}${action.memory ? ` · ${action.memory} MB` : ''}`}
        {' · '}
        {last ? (
          <span title={`last activation: ${last.status}, ${formatMs(last.duration)}`}>
            <span
              className={`jp-faas-dot ${last.success ? 'jp-faas-dot-ok' : 'jp-faas-dot-fail'}`}
            />{' '}
            last run {formatAgo(last.start)}
          </span>
        ) : (
          'never run'
        )}
      </div>
      {action.webUrl ? (
        <div className="jp-faas-doc jp-faas-web-url" data-testid="faas-action-web-url">
          web: <code>{action.webUrl}</code>
        </div>
      ) : null}
      {selected ? <InvokePanel model={model} /> : null}
    </li>
  );
}

export function ActionsSection(props: {
  model: FaasModel;
  confirmDelete: (name: string) => Promise<boolean>;
}): JSX.Element {
  const { model } = props;
  const namespace = model.config?.namespace;
  return (
    <Section
      id="actions"
      title="Actions"
      subtitle={namespace && namespace !== '_' ? namespace : undefined}
      tools={
        <button
          className="jp-faas-icon-button"
          title="Refresh"
          onClick={() => void model.refresh()}
        >
          <refreshIcon.react tag="span" />
        </button>
      }
    >
      {model.actions.length === 0 ? (
        <p className="jp-faas-empty">No actions yet: deploy a class above.</p>
      ) : null}
      <ul className="jp-faas-list">
        {model.actions.map(action => (
          <ActionRow
            key={action.name}
            model={model}
            action={action}
            confirmDelete={props.confirmDelete}
          />
        ))}
      </ul>
    </Section>
  );
}
