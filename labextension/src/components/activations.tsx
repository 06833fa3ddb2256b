/**
 * Recent activations: status, cold/warm (or sequence) badge, duration, init and wait time; the ones
 * started here and still running first (the model polls until their records are stored); click one for
 * its logs and result. Two lines an activation, so that it reads in a narrow panel.
 */
import * as React from 'react';

import { formatAgo, formatMs } from '../format';
import { FaasModel } from '../model';
import { IActivation } from '../payloads';
import { Badge, ErrorBox, ResultView, Section, Spinner, StartBadge } from './section';

function Detail(props: { model: FaasModel }): JSX.Element | null {
  const detail = props.model.detail;
  if (!detail) {
    return null;
  }
  return (
    <div className="jp-faas-detail" data-testid="faas-activation-detail">
      {detail.error ? <ErrorBox error={detail.error} target={props.model} /> : null}
      {!detail.record && !detail.error ? (
        <div className="jp-faas-dim">
          <Spinner /> waiting for the record…
        </div>
      ) : null}
      {detail.record ? (
        <>
          <div className="jp-faas-dim">
            {detail.record.activationId} · {detail.record.kind ?? ''} · version{' '}
            {detail.record.version}
          </div>
          <div className="jp-faas-subtitle">Logs</div>
          <pre
            className="jp-faas-logs"
            data-testid="faas-logs"
            data-loaded={String(detail.logs !== null)}
          >
            {(detail.logs ?? []).length > 0 ? (detail.logs ?? []).join('\n') : '(no log lines)'}
          </pre>
          <div className="jp-faas-subtitle">Result</div>
          <ResultView value={detail.record.response?.result} testid="faas-activation-result" />
        </>
      ) : null}
    </div>
  );
}

function Row(props: { model: FaasModel; record: IActivation }): JSX.Element {
  const { model, record } = props;
  const open = model.detail?.activationId === record.activationId;
  return (
    <li className={`jp-faas-activation ${open ? 'jp-mod-selected' : ''}`}>
      <div
        className="jp-faas-row"
        data-testid="faas-activation"
        data-activation-id={record.activationId}
        data-cold={String(record.cold)}
        title={`${record.activationId}: ${record.status}`}
        onClick={() => void model.openActivation(record.activationId)}
      >
        <span className={`jp-faas-dot ${record.success ? 'jp-faas-dot-ok' : 'jp-faas-dot-fail'}`} />
        <span className="jp-faas-name">{record.name}</span>
        <StartBadge activation={record} />
        <span className="jp-faas-spacer" />
        <span className="jp-faas-num">{formatMs(record.duration)}</span>
      </div>
      <div className="jp-faas-doc jp-faas-timings">
        {record.success ? '' : `${record.status} · `}
        init {record.initTime !== null ? formatMs(record.initTime) : '–'} · wait{' '}
        {formatMs(record.waitTime)} · {formatAgo(record.start)}
      </div>
      {open ? <Detail model={model} /> : null}
    </li>
  );
}

export function ActivationsSection(props: { model: FaasModel }): JSX.Element {
  const { model } = props;
  const pending = model.pending;
  return (
    <Section
      id="activations"
      title="Activations"
      subtitle={pending.length > 0 ? `${pending.length} running` : undefined}
    >
      {model.activations.length === 0 && pending.length === 0 ? (
        <p className="jp-faas-empty">No activations yet.</p>
      ) : null}
      <ul className="jp-faas-list jp-faas-activations">
        {pending.map(p => (
          <li key={p.activationId} data-testid="faas-activation-running">
            <div className="jp-faas-row">
              <Spinner />
              <span className="jp-faas-name">{p.action}</span>
              <Badge kind="running">running</Badge>
              <span className="jp-faas-spacer" />
              <span className="jp-faas-dim">{formatAgo(p.started)}</span>
            </div>
          </li>
        ))}
        {model.activations.map(record => (
          <Row key={record.activationId} model={model} record={record} />
        ))}
      </ul>
    </Section>
  );
}
