/**
 * The classes of the current notebook, each with its deploy form (name, method, kind or image, memory,
 * timeout, test arguments) and the progress and report of its latest build job: the stages, the size
 * plan and numbers, the local test's cold and warm runs, and the deployment.
 */
import * as React from 'react';

import { formatBytes, formatMs } from '../format';
import { FaasModel } from '../model';
import { IBuildJob, IClassInfo, IDeployOptions } from '../payloads';
import { IStepTarget } from '../steps';
import { Badge, ErrorBox, ResultView, Section, Spinner } from './section';

const KINDS = ['', 'python:3.11', 'python:3.10'];

function numberOrNull(text: string): number | null {
  const value = parseInt(text, 10);
  return Number.isNaN(value) ? null : value;
}

function DeployForm(props: { model: FaasModel; info: IClassInfo }): JSX.Element {
  const { model, info } = props;
  const form = model.deploys.form(info.name);
  const job = model.deploys.job(info.name);
  const running = job?.state === 'running';
  const update = (patch: Partial<IDeployOptions>) => model.deploys.updateForm(info.name, patch);
  return (
    <form
      className="jp-faas-form"
      data-testid={`faas-deploy-form-${info.name}`}
      onSubmit={event => {
        event.preventDefault();
        void model.deploy(info.name);
      }}
    >
      <label>
        <span>Action name</span>
        <input
          className="jp-mod-styled"
          name="name"
          value={form.name}
          onChange={e => update({ name: e.target.value })}
        />
      </label>
      <label>
        <span>Method</span>
        <select
          className="jp-mod-styled"
          name="method"
          value={form.method}
          onChange={e => update({ method: e.target.value })}
        >
          {info.methods.map(m => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Kind</span>
        <select
          className="jp-mod-styled"
          name="kind"
          value={form.kind}
          disabled={form.image.trim() !== ''}
          onChange={e => update({ kind: e.target.value })}
        >
          {KINDS.map(k => (
            <option key={k} value={k}>
              {k === '' ? 'automatic (this Python)' : k}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>or image</span>
        <input
          className="jp-mod-styled"
          name="image"
          placeholder="blackbox image (optional)"
          value={form.image}
          onChange={e => update({ image: e.target.value })}
        />
      </label>
      <div className="jp-faas-form-row">
        <label>
          <span>Memory (MB)</span>
          <input
            className="jp-mod-styled"
            name="memory"
            type="number"
            min={128}
            max={512}
            placeholder="256"
            value={form.memory ?? ''}
            onChange={e => update({ memory: numberOrNull(e.target.value) })}
          />
        </label>
        <label>
          <span>Timeout (ms)</span>
          <input
            className="jp-mod-styled"
            name="timeout"
            type="number"
            min={100}
            max={300000}
            placeholder="60000"
            value={form.timeout ?? ''}
            onChange={e => update({ timeout: numberOrNull(e.target.value) })}
          />
        </label>
      </div>
      <label className="jp-faas-check">
        <input
          type="checkbox"
          name="web"
          checked={form.web}
          onChange={e => update({ web: e.target.checked })}
        />
        <span>Web action: an HTTP endpoint, called without the key</span>
      </label>
      <label>
        <span>Test arguments (JSON)</span>
        <textarea
          className="jp-mod-styled jp-faas-code"
          name="testArgs"
          rows={3}
          placeholder={`{${info.params.map(p => `"${p}": …`).join(', ')}}`}
          value={model.deploys.testArgsText(info.name)}
          onChange={e => model.deploys.setTestArgsText(info.name, e.target.value)}
        />
      </label>
      <div className="jp-faas-form-actions">
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept jp-faas-button"
          disabled={running}
          data-testid="faas-deploy-button"
        >
          {running ? 'Deploying…' : 'Build, test & deploy'}
        </button>
      </div>
      {job ? <BuildReport job={job} target={model} /> : null}
    </form>
  );
}

function StageList(props: { job: IBuildJob }): JSX.Element {
  return (
    <ol className="jp-faas-stages" data-testid="faas-stages">
      {props.job.stages.map(stage => (
        <li key={stage.name} className={`jp-faas-stage jp-faas-stage-${stage.state}`}>
          {stage.state === 'running' ? <Spinner /> : <span className="jp-faas-stage-dot" />}
          <span>{stage.name === 'test' ? 'local test' : stage.name}</span>
          {stage.seconds !== undefined ? (
            <span className="jp-faas-dim">{formatMs(stage.seconds * 1000)}</span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function SizeBar(props: { used: number; limit: number }): JSX.Element {
  const share = Math.min(1, props.used / props.limit);
  return (
    <div
      className="jp-faas-sizebar"
      title={`${formatBytes(props.used)} of ${formatBytes(props.limit)}`}
    >
      <div className="jp-faas-sizebar-fill" style={{ width: `${Math.max(1, share * 100)}%` }} />
    </div>
  );
}

export function BuildReport(props: { job: IBuildJob; target?: IStepTarget }): JSX.Element {
  const { job } = props;
  const build = job.build;
  const base64 = build ? Math.ceil(build.zipBytes / 3) * 4 : 0;
  return (
    <div
      className="jp-faas-report"
      data-testid="faas-build-report"
      data-state={job.state}
      data-job={job.id}
    >
      <StageList job={job} />
      {build ? (
        <div className="jp-faas-build">
          <div>
            <Badge kind="info">{build.plan.choice}</Badge> plan ·{' '}
            {build.image ? `image ${build.image}` : build.kind}
          </div>
          <div className="jp-faas-dim">{build.plan.reason}</div>
          <div>
            zip {formatBytes(build.zipBytes)} ({formatBytes(base64)} as base64 of{' '}
            {formatBytes(build.plan.limitBytes)}), {build.files} files
            {build.cached ? ' · unchanged, reused' : ''}
          </div>
          <SizeBar used={base64} limit={build.plan.limitBytes} />
          {build.requirements.length > 0 ? (
            <div className="jp-faas-dim">
              requires {build.requirements.map(r => r.name).join(', ')}
            </div>
          ) : null}
          <details>
            <summary>Captured code ({build.captured.length} statements)</summary>
            <pre className="jp-faas-json">{build.summary}</pre>
          </details>
        </div>
      ) : null}
      {job.test ? (
        <div className="jp-faas-localtest" data-testid="faas-local-test">
          <div>
            Local test{' '}
            {job.test.ok ? <Badge kind="ok">passed</Badge> : <Badge kind="fail">failed</Badge>}
            {job.test.smoke ? (
              <span className="jp-faas-dim"> (start only: no test arguments)</span>
            ) : null}
          </div>
          <table className="jp-faas-table">
            <tbody>
              {job.test.runs.map((run, i) => (
                <tr key={i}>
                  <td>
                    <Badge kind={run.cold ? 'cold' : 'warm'}>{run.cold ? 'cold' : 'warm'}</Badge>
                  </td>
                  <td>{run.status}</td>
                  <td>{run.initMs !== null ? `init ${formatMs(run.initMs)}` : ''}</td>
                  <td>run {formatMs(run.runMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!job.test.smoke ? <ResultView value={job.test.result} /> : null}
        </div>
      ) : null}
      {job.deployment ? (
        <div className="jp-faas-deployed" data-testid="faas-deployed">
          <Badge kind="ok">deployed</Badge> {job.deployment.namespace}/{job.deployment.name}{' '}
          {job.deployment.version} · {job.deployment.reason}
          {job.deployment.url ? (
            <div className="jp-faas-doc" data-testid="faas-web-url">
              POST <code>{job.deployment.url}.json</code>
            </div>
          ) : null}
        </div>
      ) : null}
      {job.error ? <ErrorBox error={job.error} target={props.target} /> : null}
    </div>
  );
}

export function ClassesSection(props: { model: FaasModel }): JSX.Element {
  const { model } = props;
  const notebook = model.notebook;
  const name = notebook ? notebook.path.split('/').pop() : undefined;
  return (
    <Section id="classes" title="Notebook classes" subtitle={name}>
      {notebook === null ? (
        <p className="jp-faas-empty">Open a notebook to deploy one of its classes.</p>
      ) : null}
      {model.classesError ? <ErrorBox error={model.classesError} target={model} /> : null}
      {notebook !== null && model.classes.length === 0 && !model.classesError ? (
        <p className="jp-faas-empty">This notebook defines no class yet.</p>
      ) : null}
      <ul className="jp-faas-list">
        {model.classes.map(info => {
          const open = model.deploys.expanded === info.name;
          const job = model.deploys.job(info.name);
          return (
            <li
              key={info.name}
              className="jp-faas-class"
              data-testid={`faas-class-${info.name}`}
              data-cell-index={info.cellIndex}
            >
              <div className="jp-faas-row" onClick={() => model.deploys.expand(info.name)}>
                <span className={`jp-faas-caret ${open ? 'jp-mod-open' : ''}`} />
                <span className="jp-faas-name">{info.name}</span>
                <span className="jp-faas-spacer" />
                {job?.state === 'running' ? <Spinner /> : null}
                {job?.state === 'succeeded' ? <Badge kind="ok">deployed</Badge> : null}
                {job?.state === 'failed' ? <Badge kind="fail">failed</Badge> : null}
              </div>
              <div className="jp-faas-doc jp-faas-signature">
                .{info.method ?? '?'}({info.params.join(', ')}) · cell {info.cellIndex + 1}
              </div>
              {info.doc ? <div className="jp-faas-doc">{info.doc}</div> : null}
              {open ? <DeployForm model={model} info={info} /> : null}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
