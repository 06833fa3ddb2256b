/**
 * The deploy side of the sidebar's state: the form of each class (name, method, kind or image, memory,
 * timeout, test arguments as typed, web action or not), which class is expanded, and the latest build job of each class.
 * Owned by `FaasModel` (`model.deploys`), which starts and polls the jobs; this class only keeps them.
 */
import { defaultActionName, parseParams } from './params';
import { IBuildJob, IClassInfo, IDeployOptions, IErrorPayload } from './payloads';

export class DeployState {
  constructor(classes: () => IClassInfo[], emit: () => void) {
    this._classes = classes;
    this._emit = emit;
  }

  /** The class whose form is open, if any. */
  get expanded(): string | null {
    return this._expanded;
  }

  form(className: string): IDeployOptions {
    let form = this._forms.get(className);
    if (!form) {
      const info = this._classes().find(c => c.name === className);
      form = {
        className,
        name: defaultActionName(className),
        method: info?.method ?? '',
        kind: '',
        image: '',
        memory: null,
        timeout: null,
        testArgs: null,
        test: true,
        deploy: true,
        web: false
      };
      this._forms.set(className, form);
    }
    return form;
  }

  /** The test-arguments editor's text of a class (kept apart from the parsed value). */
  testArgsText(className: string): string {
    return this._testArgsText.get(className) ?? '';
  }

  job(className: string): IBuildJob | null {
    return this._jobs.get(className) ?? null;
  }

  jobs(): [string, IBuildJob][] {
    return [...this._jobs.entries()];
  }

  running(): boolean {
    return [...this._jobs.values()].some(j => j.state === 'running');
  }

  updateForm(className: string, patch: Partial<IDeployOptions>): void {
    this._forms.set(className, { ...this.form(className), ...patch });
    this._emit();
  }

  setTestArgsText(className: string, text: string): void {
    this._testArgsText.set(className, text);
    this._emit();
  }

  /** Open the form of `className`, or close it if it is open. */
  expand(className: string | null): void {
    this._expanded = this._expanded === className ? null : className;
    this._emit();
  }

  setJob(className: string, job: IBuildJob, emit = true): void {
    this._jobs.set(className, job);
    if (emit) {
      this._emit();
    }
  }

  /** The options to send for `className`, or why its test arguments cannot be sent. */
  options(className: string): { value: IDeployOptions } | { error: IErrorPayload } {
    const text = this.testArgsText(className);
    const parsed = parseParams(text, 'The test arguments');
    if ('error' in parsed) {
      return parsed;
    }
    return {
      value: { ...this.form(className), testArgs: text.trim() === '' ? null : parsed.value }
    };
  }

  private readonly _classes: () => IClassInfo[];
  private readonly _emit: () => void;
  private _forms = new Map<string, IDeployOptions>();
  private _testArgsText = new Map<string, string>();
  private _jobs = new Map<string, IBuildJob>();
  private _expanded: string | null = null;
}
