/**
 * Typed wrappers, one per endpoint of the server extension, over `requestAPI`. The only module that
 * knows the routes; the model calls these through the `IFaasApi` interface and never builds a URL.
 */
import { requestAPI } from './request';
import {
  IActionsReply,
  IActivation,
  IBuildJob,
  IClassesReply,
  IConfig,
  IDeployOptions,
  IFaasApi,
  IInvokeReply,
  ILogsReply,
  INotebookPayload,
  IResultReply,
  IStats
} from './payloads';

function post(body: unknown): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** `pkg/action` keeps its slash; each segment is encoded. */
export function actionPath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** Options as the server wants them: empty fields left out so the server applies its defaults. */
function deployBody(options: IDeployOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { className: options.className };
  for (const key of ['name', 'method', 'kind', 'image'] as const) {
    if (options[key].trim() !== '') {
      out[key] = options[key].trim();
    }
  }
  if (options.memory !== null) {
    out.memory = options.memory;
  }
  if (options.timeout !== null) {
    out.timeout = options.timeout;
  }
  out.testArgs = options.testArgs;
  out.test = options.test;
  out.deploy = options.deploy;
  if (options.web) {
    out.web = true;
  }
  return out;
}

export class FaasApi implements IFaasApi {
  config(): Promise<IConfig> {
    return requestAPI<IConfig>('config');
  }

  classes(notebook: INotebookPayload): Promise<IClassesReply> {
    return requestAPI<IClassesReply>('classes', post(notebook));
  }

  startBuild(notebook: INotebookPayload, options: IDeployOptions): Promise<IBuildJob> {
    return requestAPI<IBuildJob>('builds', post({ ...notebook, options: deployBody(options) }));
  }

  build(jobId: string): Promise<IBuildJob> {
    return requestAPI<IBuildJob>(`builds/${encodeURIComponent(jobId)}`);
  }

  actions(): Promise<IActionsReply> {
    return requestAPI<IActionsReply>('actions');
  }

  deleteAction(name: string): Promise<unknown> {
    return requestAPI<unknown>(`actions/${actionPath(name)}`, { method: 'DELETE' });
  }

  invoke(name: string, params: Record<string, unknown>, blocking: boolean): Promise<IInvokeReply> {
    return requestAPI<IInvokeReply>(
      `actions/${actionPath(name)}/invoke`,
      post({ params, blocking })
    );
  }

  activations(q: { name?: string; limit?: number } = {}): Promise<{ activations: IActivation[] }> {
    return requestAPI<{ activations: IActivation[] }>(
      `activations${query({ name: q.name, limit: q.limit })}`
    );
  }

  activation(id: string): Promise<IActivation> {
    return requestAPI<IActivation>(`activations/${encodeURIComponent(id)}`);
  }

  logs(id: string): Promise<ILogsReply> {
    return requestAPI<ILogsReply>(`activations/${encodeURIComponent(id)}/logs`);
  }

  result(id: string): Promise<IResultReply> {
    return requestAPI<IResultReply>(`activations/${encodeURIComponent(id)}/result`);
  }

  stats(name?: string): Promise<IStats> {
    return requestAPI<IStats>(`stats${query({ name })}`);
  }
}
