/**
 * The sidebar's typed error: `FaasRequestError` carries the server extension's `{error, code, fix, steps}`, and
 * `errorFromResponse` is the one place a failed HTTP answer becomes one. A 404 that is not one of ours
 * (no `code` in the body) means the server extension is not loaded, and says how to fix that. No
 * JupyterLab imports, so the model and its tests use it directly.
 */
import { IErrorPayload, IStep } from './payloads';

export const NOT_INSTALLED_FIX =
  'Run `pip install jupyter-faas` (or `make install` in a checkout) in the environment of this Jupyter ' +
  'server, check `jupyter server extension list` shows jupyter_faas enabled, then restart JupyterLab.';

/** An error answered by (or on the way to) the server extension, with what to do about it. */
export class FaasRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fix: string | null;
  readonly steps: IStep[];
  readonly activationId: string | null;

  constructor(payload: IErrorPayload, status: number) {
    super(payload.error);
    this.name = 'FaasRequestError';
    this.status = status;
    this.code = payload.code;
    this.fix = payload.fix ?? null;
    this.steps = payload.steps ?? [];
    this.activationId = payload.activationId ?? null;
  }

  /** The payload shape again, for the model's state. */
  toPayload(): IErrorPayload {
    return {
      error: this.message,
      code: this.code,
      fix: this.fix,
      steps: this.steps,
      status: this.status,
      activationId: this.activationId ?? undefined
    };
  }
}

/** Turn a failed response into a `FaasRequestError` (exported for the unit tests). */
export function errorFromResponse(status: number, body: unknown): FaasRequestError {
  const payload = (body ?? {}) as Partial<IErrorPayload>;
  if (typeof payload.error === 'string' && typeof payload.code === 'string') {
    return new FaasRequestError(payload as IErrorPayload, status);
  }
  if (status === 404) {
    return new FaasRequestError(
      {
        error: 'The jupyter-faas server extension is not installed (its routes answer 404).',
        code: 'ExtensionNotInstalled',
        fix: NOT_INSTALLED_FIX
      },
      status
    );
  }
  return new FaasRequestError(
    {
      error: `The Jupyter server answered ${status} without an error message.`,
      code: 'HTTPError',
      fix: 'See the Jupyter server log.'
    },
    status
  );
}
