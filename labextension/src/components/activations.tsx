/**
 * Recent activations: status, cold/warm badge, duration, init and wait time; the ones started here and
 * still running first (the model polls until their records are stored); click one for its logs and
 * result.
 */
import * as React from 'react';

import { formatAgo, formatMs } from '../format';
import { FaasModel } from '../model';
import { IActivation } from '../tokens';
import { Badge, ErrorBox, ResultView, Section, Spinner } from './section';

function Detail(props: { model: FaasModel }): JSX.Element | null {
  const detail = props.model.detail;
  if (!detail) {
    return null;
  }
  return (
    <div className="jp-faas-detail" data-testid="faas-activation-detail">
      {detail.error ? <ErrorBox error={detail.error} /> : null}
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
          <pre className="jp-faas-logs" data-testid="faas-logs">
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
    <>
      <tr
        className={`jp-faas-activation ${open ? 'jp-mod-selected' : ''}`}
        data-testid="faas-activation"
        data-activation-id={record.activationId}
        data-cold={String(record.cold)}
        onClick={() => void model.openActivation(record.activationId)}
      >
        <td>
          <span
            className={`jp-faas-dot ${record.success ? 'jp-faas-dot-ok' : 'jp-faas-dot-fail'}`}
            title={record.status}
          />
        </td>
        <td className="jp-faas-name" title={record.activationId}>
          {record.name}
        </td>
        <td>
          <Badge kind={record.cold ? 'cold' : 'warm'}>{record.cold ? 'cold' : 'warm'}</Badge>
        </td>
        <td className="jp-faas-num">{formatMs(record.duration)}</td>
        <td className="jp-faas-num">
          {record.initTime !== null ? formatMs(record.initTime) : '–'}
        </td>
        <td className="jp-faas-num">{formatMs(record.waitTime)}</td>
        <td className="jp-faas-dim">{formatAgo(record.start)}</td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={7}>
            <Detail model={model} />
          </td>
        </tr>
      ) : null}
    </>
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
      ) : (
        <table className="jp-faas-table jp-faas-activations">
          <thead>
            <tr>
              <th />
              <th>action</th>
              <th>start</th>
              <th className="jp-faas-num">duration</th>
              <th className="jp-faas-num">init</th>
              <th className="jp-faas-num">wait</th>
              <th>when</th>
            </tr>
          </thead>
          <tbody>
            {pending.map(p => (
              <tr key={p.activationId} data-testid="faas-activation-running">
                <td>
                  <Spinner />
                </td>
                <td className="jp-faas-name">{p.action}</td>
                <td>
                  <Badge kind="running">running</Badge>
                </td>
                <td colSpan={3} className="jp-faas-dim">
                  {p.activationId.slice(0, 12)}…
                </td>
                <td className="jp-faas-dim">{formatAgo(p.started)}</td>
              </tr>
            ))}
            {model.activations.map(record => (
              <Row key={record.activationId} model={model} record={record} />
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
