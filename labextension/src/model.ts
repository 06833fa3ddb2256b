/**
 * The sidebar's model: what the panel shows and every action a person can take, with no DOM and no URLs.
 *
 * It holds the classes of the current notebook, the deploy form and latest build job of each class, the
 * actions of the namespace, the invoke editor, recent activations (plus the ones invoked from here that
 * are still running: OpenWhisk stores a record only when an activation ends) and the stats. It talks to
 * the server only through `IFaasApi`, and polls while anything is running (a build job, a non-blocking
 * activation). `changed` fires after every state change; the React view re-renders on it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { FaasRequestError } from './errors';
import { DeployState } from './deploy';
import { InvokeEditor } from './invoke';
import { IChainLink, sequenceChain } from './sequence';
import {
  IActionInfo,
  IActivation,
  IBuildJob,
  IClassInfo,
  IConfig,
  IErrorPayload,
  IFaasApi,
  INotebookPayload,
  IStats
} from './payloads';

/** A non-blocking activation started here whose record is not stored yet. */
export interface IPending {
  activationId: string;
  action: string;
  started: number;
}

export interface IActivationDetail {
  activationId: string;
  record: IActivation | null;
  logs: string[] | null;
  error: IErrorPayload | null;
}

export interface IModelOptions {
  /** Milliseconds between polls while something runs. */
  pollInterval?: number;
  /** How many recent activations to list. */
  activationLimit?: number;
  now?: () => number;
}

function asError(error: unknown): IErrorPayload {
  if (error instanceof FaasRequestError) {
    return error.toPayload();
  }
  return { error: String(error), code: 'Error', fix: null };
}

export class FaasModel {
  constructor(api: IFaasApi, options: IModelOptions = {}) {
    this._api = api;
    this._pollInterval = options.pollInterval ?? 1000;
    this._activationLimit = options.activationLimit ?? 20;
    this._now = options.now ?? Date.now;
    this.deploys = new DeployState(
      () => this._classes,
      () => this._emit()
    );
    this.invoker = new InvokeEditor(() => this._emit());
  }

  /** The deploy form and latest build job of each class. */
  readonly deploys: DeployState;
  /** The invoke editor of the selected action. */
  readonly invoker: InvokeEditor;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  // -- state (read-only views) ------------------------------------------------------------------------
  get config(): IConfig | null {
    return this._config;
  }
  get error(): IErrorPayload | null {
    return this._error;
  }
  get notebook(): INotebookPayload | null {
    return this._notebook;
  }
  get classes(): IClassInfo[] {
    return this._classes;
  }
  get classesError(): IErrorPayload | null {
    return this._classesError;
  }
  get actions(): IActionInfo[] {
    return this._actions;
  }
  /** A sequence's components as links (each one's row when it is listed); `[]` for other actions. */
  chain(action: IActionInfo): IChainLink[] {
    return sequenceChain(action, this._actions);
  }
  get activations(): IActivation[] {
    return this._activations;
  }
  get pending(): IPending[] {
    return [...this._pending.values()];
  }
  get stats(): IStats | null {
    return this._stats;
  }
  get detail(): IActivationDetail | null {
    return this._detail;
  }
  /** True while something runs that the model polls for. */
  get polling(): boolean {
    return this._timer !== null;
  }

  dismissError(): void {
    this._error = null;
    this._emit();
  }

  // -- loading ----------------------------------------------------------------------------------------
  /** Load the configuration, actions, recent activations and stats. */
  async refresh(): Promise<void> {
    try {
      const [config, actions, activations, stats] = await Promise.all([
        this._api.config(),
        this._api.actions(),
        this._api.activations({ limit: this._activationLimit }),
        this._api.stats()
      ]);
      this._config = config;
      this._actions = actions.actions;
      this._setActivations(activations.activations);
      this._stats = stats;
      this._error = null;
      this._closeVanishedInvoke();
    } catch (error) {
      this._error = asError(error);
    }
    this._emit();
  }

  /** The open notebook changed (or its cells did): list its classes from the current cells. */
  async setNotebook(notebook: INotebookPayload | null): Promise<void> {
    this._notebook = notebook;
    if (notebook === null) {
      this._classes = [];
      this._classesError = null;
      this._emit();
      return;
    }
    try {
      const reply = await this._api.classes(notebook);
      if (this._notebook !== notebook) {
        return; // a newer notebook state arrived meanwhile
      }
      this._classes = reply.classes;
      this._classesError = null;
    } catch (error) {
      this._classesError = asError(error);
    }
    this._emit();
  }

  // -- deploying --------------------------------------------------------------------------------------
  /** Build, test locally and deploy `className` with its form; follow the job until it ends. */
  async deploy(className: string): Promise<IBuildJob | null> {
    if (this._notebook === null) {
      this._error = {
        error: 'No notebook is open.',
        code: 'NoNotebook',
        fix: 'Open the notebook that defines the class.'
      };
      this._emit();
      return null;
    }
    const options = this.deploys.options(className);
    if ('error' in options) {
      this.deploys.setJob(className, this._failedJob(className, options.error));
      return null;
    }
    // this deploy's report replaces the last one at once, before the server answers
    this.deploys.setJob(className, this._startingJob(className));
    try {
      this.deploys.setJob(className, await this._api.startBuild(this._notebook, options.value));
    } catch (error) {
      this.deploys.setJob(className, this._failedJob(className, asError(error)));
      return null;
    }
    this._schedule();
    return this.deploys.job(className);
  }

  // -- actions ----------------------------------------------------------------------------------------
  /** Invoke the selected action with the editor's parameters (blocking or not). */
  async runInvoke(): Promise<void> {
    const started = this.invoker.begin();
    if (started === null) {
      return;
    }
    try {
      const reply = await this._api.invoke(started.action, started.params, started.blocking);
      this.invoker.succeeded(reply);
      if (reply.activation) {
        this._addActivation(reply.activation);
      } else {
        this._pending.set(reply.activationId, {
          activationId: reply.activationId,
          action: started.action,
          started: this._now()
        });
      }
    } catch (error) {
      this.invoker.failed(asError(error));
    }
    this._emit();
    this._schedule();
    void this._refreshLists();
  }

  async deleteAction(name: string): Promise<boolean> {
    try {
      await this._api.deleteAction(name);
    } catch (error) {
      this._error = asError(error);
      this._emit();
      return false;
    }
    if (this.invoker.state?.action === name) {
      this.invoker.select(null);
    }
    this._actions = this._actions.filter(a => a.name !== name);
    this._emit();
    void this._refreshLists();
    return true;
  }

  // -- activations ------------------------------------------------------------------------------------
  /** Show one activation's record and logs (a running one is shown as soon as it is stored). */
  async openActivation(activationId: string | null): Promise<void> {
    if (activationId === null || this._detail?.activationId === activationId) {
      this._detail = null;
      this._emit();
      return;
    }
    this._detail = { activationId, record: null, logs: null, error: null };
    this._emit();
    if (this._pending.has(activationId)) {
      return; // loaded by the poll once the record is stored
    }
    await this._loadDetail(activationId);
  }

  // -- polling ----------------------------------------------------------------------------------------
  /** One poll: follow running build jobs, look for stored records of pending activations. */
  async poll(): Promise<void> {
    let finished = false;
    for (const [className, job] of this.deploys.jobs()) {
      if (job.state !== 'running' || job.id === '') {
        continue;
      }
      try {
        const next = await this._api.build(job.id);
        this.deploys.setJob(className, next, false);
        finished = finished || next.state !== 'running';
      } catch (error) {
        this.deploys.setJob(className, { ...job, state: 'failed', error: asError(error) }, false);
        finished = true;
      }
    }
    if (this._pending.size > 0 || finished) {
      await this._refreshLists();
    }
    const detail = this._detail;
    if (detail && detail.record === null && !this._pending.has(detail.activationId)) {
      await this._loadDetail(detail.activationId);
    }
    this._emit();
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    Signal.clearData(this);
  }

  // -- private ----------------------------------------------------------------------------------------
  private _busy(): boolean {
    return this._pending.size > 0 || this.deploys.running();
  }

  private _schedule(): void {
    if (this._timer !== null || !this._busy()) {
      return;
    }
    this._timer = setTimeout(async () => {
      await this.poll();
      this._timer = null;
      this._schedule();
      this._emit();
    }, this._pollInterval);
  }

  private async _refreshLists(): Promise<void> {
    try {
      // activations first: the stats and last-activation columns then count at least what it lists
      const activations = await this._api.activations({ limit: this._activationLimit });
      const [actions, stats] = await Promise.all([this._api.actions(), this._api.stats()]);
      this._actions = actions.actions;
      this._setActivations(activations.activations);
      this._stats = stats;
      this._closeVanishedInvoke();
    } catch (error) {
      this._error = asError(error);
    }
    this._emit();
  }

  /** An invoke that found its action gone (deleted elsewhere, so no longer listed either) closes with the
   * action's row; its error is not lost: it moves to the header, with its next steps. */
  private _closeVanishedInvoke(): void {
    const state = this.invoker.state;
    if (state?.error?.code !== 'NotFound' || this._actions.some(a => a.name === state.action)) {
      return;
    }
    this._error = state.error;
    this.invoker.select(null);
  }

  /** Take a fetched list; records added here after it was fetched (newer than all it has) stay. */
  private _setActivations(records: IActivation[]): void {
    const fetched = new Set(records.map(r => r.activationId));
    const newest = Math.max(0, ...records.map(r => r.start));
    const local = this._activations.filter(a => !fetched.has(a.activationId) && a.start > newest);
    this._activations = [...local, ...records].slice(0, this._activationLimit);
    for (const record of this._activations) {
      this._pending.delete(record.activationId);
    }
  }

  private _addActivation(record: IActivation): void {
    const rest = this._activations.filter(a => a.activationId !== record.activationId);
    this._activations = [record, ...rest].slice(0, this._activationLimit);
    this._pending.delete(record.activationId);
  }

  private async _loadDetail(activationId: string): Promise<void> {
    try {
      const [record, logs] = await Promise.all([
        this._api.activation(activationId),
        this._api.logs(activationId)
      ]);
      if (this._detail?.activationId === activationId) {
        this._detail = { activationId, record, logs: logs.logs, error: null };
      }
    } catch (error) {
      if (this._detail?.activationId === activationId) {
        this._detail = { ...this._detail, error: asError(error) };
      }
    }
    this._emit();
  }

  private _failedJob(className: string, error: IErrorPayload): IBuildJob {
    return { ...this._startingJob(className), state: 'failed', stage: null, stages: [], error };
  }

  /** The job of a deploy the server has not answered yet (no id: the poll leaves it alone). */
  private _startingJob(className: string): IBuildJob {
    return {
      id: '',
      className,
      notebook: this._notebook?.path ?? '',
      state: 'running',
      stage: 'starting',
      stages: [{ name: 'starting', state: 'running' }],
      build: null,
      test: null,
      deployment: null,
      error: null,
      created: this._now()
    };
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _api: IFaasApi;
  private readonly _pollInterval: number;
  private readonly _activationLimit: number;
  private readonly _now: () => number;
  private _changed = new Signal<this, void>(this);
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _config: IConfig | null = null;
  private _error: IErrorPayload | null = null;
  private _notebook: INotebookPayload | null = null;
  private _classes: IClassInfo[] = [];
  private _classesError: IErrorPayload | null = null;
  private _actions: IActionInfo[] = [];
  private _activations: IActivation[] = [];
  private _pending = new Map<string, IPending>();
  private _stats: IStats | null = null;
  private _detail: IActivationDetail | null = null;
}
