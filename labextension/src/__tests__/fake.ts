/**
 * An in-memory `IFaasApi` for the model's unit tests, shaped like the server extension's answers
 * (`tests/server` checks the real ones): build jobs that run for a given number of polls, activations
 * that are stored only after a given number of list calls, errors as `FaasRequestError`.
 */
import { FaasRequestError } from '../errors';
import {
  IActionInfo,
  IActivation,
  IBuildJob,
  IClassInfo,
  IDeployOptions,
  IFaasApi,
  INotebookPayload
} from '../payloads';

/** A listed action (of the guest namespace unless `fields` say otherwise), as the server extension lists
 * one. */
export function actionInfo(name: string, fields: Partial<IActionInfo> = {}): IActionInfo {
  return {
    name,
    namespace: 'guest',
    version: '0.0.1',
    kind: 'python:3.11',
    components: null,
    image: null,
    memory: 256,
    timeout: 60000,
    updated: 0,
    className: null,
    notebook: null,
    lastActivation: null,
    ...fields
  };
}

export function activation(id: string, name: string, cold: boolean, start = 1000): IActivation {
  return {
    activationId: id,
    name,
    namespace: 'guest',
    version: '0.0.1',
    start,
    end: start + 30,
    duration: 30,
    cold,
    initTime: cold ? 20 : null,
    waitTime: 1,
    kind: 'python:3.11',
    status: 'success',
    success: true,
    response: { result: { ok: true }, status: 'success', success: true }
  };
}

export class FakeApi implements IFaasApi {
  calls: string[] = [];
  classList: IClassInfo[] = [];
  actionList: IActionInfo[] = [];
  records: IActivation[] = [];
  /** Activations invoked non-blocking, stored after this many `activations()` calls. */
  storeAfter = 2;
  /** Build jobs stay running for this many `build()` polls. */
  buildPolls = 2;
  lastOptions: IDeployOptions | null = null;
  /** When set, `startBuild` answers only once it resolves (a slow server). */
  holdStart: Promise<void> | null = null;
  failNext: FaasRequestError | null = null;

  private _later: { record: IActivation; lists: number }[] = [];
  private _job: IBuildJob | null = null;
  private _polls = 0;
  private _ids = 0;
  private _jobIds = 0;

  private _check(call: string): void {
    this.calls.push(call);
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
  }

  async config() {
    this._check('config');
    return {
      apihost: 'http://127.0.0.1:3233',
      auth: '23bc46b1-...:****',
      namespace: '_',
      insecure: false,
      source: 'embedded engine',
      settings: []
    };
  }

  async classes(notebook: INotebookPayload) {
    this._check('classes');
    return { path: notebook.path, classes: this.classList };
  }

  async startBuild(notebook: INotebookPayload, options: IDeployOptions): Promise<IBuildJob> {
    this._check('startBuild');
    if (this.holdStart) {
      await this.holdStart;
    }
    this.lastOptions = options;
    this._polls = 0;
    this._job = {
      id: `job${++this._jobIds}`,
      className: options.className,
      notebook: notebook.path,
      state: 'running',
      stage: 'build',
      stages: [
        { name: 'build', state: 'running' },
        { name: 'test', state: 'pending' },
        { name: 'deploy', state: 'pending' }
      ],
      build: null,
      test: null,
      deployment: null,
      error: null,
      created: 0
    };
    return this._job;
  }

  async build(jobId: string): Promise<IBuildJob> {
    this._check(`build ${jobId}`);
    if (!this._job) {
      throw new FaasRequestError({ error: 'no job', code: 'NotFound' }, 404);
    }
    this._polls += 1;
    if (this._polls >= this.buildPolls) {
      this._job = {
        ...this._job,
        state: 'succeeded',
        stage: null,
        stages: this._job.stages.map(s => ({ ...s, state: 'done' as const, seconds: 0.1 })),
        deployment: {
          name: this.lastOptions?.name ?? '',
          namespace: 'guest',
          version: '0.0.1',
          uploaded: true,
          reason: 'created',
          summary: ''
        }
      };
      this.actionList = [actionInfo(this.lastOptions?.name ?? '')];
    }
    return this._job;
  }

  async actions() {
    this._check('actions');
    return { namespace: '_', actions: this.actionList };
  }

  async deleteAction(name: string) {
    this._check(`delete ${name}`);
    this.actionList = this.actionList.filter(a => a.name !== name);
    return {};
  }

  async invoke(name: string, params: Record<string, unknown>, blocking: boolean) {
    this._check(`invoke ${name} ${JSON.stringify(params)} ${blocking}`);
    this._ids += 1;
    const id = `${this._ids}`.padStart(32, '0');
    const record = activation(id, name, this.records.length === 0, 1000 + this._ids);
    if (blocking) {
      this.records.unshift(record);
      return { activationId: id, activation: record };
    }
    this._later.push({ record, lists: 0 });
    return { activationId: id };
  }

  async activations() {
    this._check('activations');
    for (const item of this._later) {
      item.lists += 1;
      if (item.lists >= this.storeAfter) {
        this.records.unshift(item.record);
      }
    }
    this._later = this._later.filter(item => item.lists < this.storeAfter);
    return { activations: [...this.records] };
  }

  async activation(id: string) {
    this._check(`activation ${id}`);
    const record = this.records.find(r => r.activationId === id);
    if (!record) {
      throw new FaasRequestError(
        { error: 'The requested resource does not exist.', code: 'NotFound', fix: 'Wait.' },
        404
      );
    }
    return record;
  }

  async logs(id: string) {
    this._check(`logs ${id}`);
    return { activationId: id, logs: ['2026-11-21T22:00:00.000000000Z stdout: hello'] };
  }

  async result(id: string) {
    this._check(`result ${id}`);
    return { result: { ok: true }, status: 'success', success: true };
  }

  async stats() {
    this._check('stats');
    return { actions: [], activations: this.records.length };
  }
}
