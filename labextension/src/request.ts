/**
 * The one `requestAPI` of the sidebar: every call to the server extension goes through it.
 *
 * It owns the base URL (`<base_url>jupyter-faas/`), the token and XSRF headers (through
 * `ServerConnection`), JSON in and out; any failure becomes a `FaasRequestError` (`errors.ts`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { FaasRequestError, errorFromResponse } from './errors';

export const NAMESPACE = 'jupyter-faas';

/**
 * Call `<base_url>jupyter-faas/<endPoint>` and return the parsed JSON body.
 *
 * @param endPoint path under the namespace, already URL-encoded where needed
 * @param init fetch options (method, body)
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new FaasRequestError(
      {
        error: `Cannot reach the Jupyter server: ${String(error)}`,
        code: 'NetworkError',
        fix: 'Check that the Jupyter server is still running, then reload the page.'
      },
      0
    );
  }
  const text = await response.text();
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    throw errorFromResponse(response.status, body);
  }
  return body as T;
}
