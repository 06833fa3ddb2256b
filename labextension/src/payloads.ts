/**
 * Payload shapes of the jupyter-faas server extension (`/jupyter-faas/...`), one `I*` interface per
 * JSON object it sends or answers, plus the command ids. Field names follow the server's JSON
 * (camelCase, as OpenWhisk's own records). Owns types only: no code, no URLs (`api.ts`).
 */

/** A next step an error names (`activation.logs` with its id, `action.list`...), as data: the server's
 * `errors.Step`. The sidebar words the ones it can do as buttons (`steps.ts`). */
export interface IStep {
  verb: string;
  args: string[];
}

/** What every error answer of the server extension looks like. */
export interface IErrorPayload {
  error: string;
  code: string;
  fix?: string | null;
  steps?: IStep[];
  status?: number;
  activationId?: string;
}

export interface ISetting {
  name: string;
  value: string;
  source: string;
}

export interface IConfig {
  apihost: string;
  auth: string; // masked: 23bc46b1-...:****
  namespace: string;
  insecure: boolean;
  source: string;
  settings: ISetting[];
}

/** One code cell of the open notebook, as sent to the server (unsaved edits included). */
export interface ICellPayload {
  id: string;
  cell_type: string;
  source: string;
}

export interface INotebookPayload {
  path: string;
  cells: ICellPayload[];
}

export interface IClassInfo {
  name: string;
  cellId: string;
  cellIndex: number;
  line: number;
  endLine: number;
  methods: string[];
  method: string | null;
  params: string[];
  doc: string;
}

export interface IClassesReply {
  path: string;
  classes: IClassInfo[];
}

/** The deploy form of one class. Empty strings mean "the default". */
export interface IDeployOptions {
  className: string;
  name: string;
  method: string;
  kind: string;
  image: string;
  memory: number | null;
  timeout: number | null;
  testArgs: Record<string, unknown> | null;
  test: boolean;
  deploy: boolean;
  /** Deploy as a web action: an HTTP endpoint without the key (`--web`). */
  web: boolean;
}

export interface IStage {
  name: 'starting' | 'build' | 'test' | 'deploy'; // 'starting': before the server answers
  state: 'pending' | 'running' | 'done' | 'failed';
  seconds?: number;
}

export interface ISizePlan {
  choice: 'zip' | 'virtualenv' | 'image';
  reason: string;
  codeBytes: number;
  depsBytes: number;
  estimateBytes: number;
  limitBytes: number;
}

export interface IBuildSummary {
  name: string;
  className: string;
  method: string;
  params: string[];
  kind: string;
  baseKind: string;
  image: string | null;
  plan: ISizePlan;
  zipBytes: number;
  sha256: string;
  files: number;
  cached: boolean;
  captured: { where: string; what: string; reason: string }[];
  requirements: { name: string; reason: string }[];
  preinstalled: string[];
  notes: string[];
  seconds: Record<string, number>;
  summary: string;
}

export interface ILocalRun {
  cold: boolean;
  statusCode: number;
  status: string;
  initMs: number | null;
  runMs: number;
  waitMs: number;
}

export interface ILocalTest {
  ok: boolean;
  smoke: boolean;
  runs: ILocalRun[];
  result: unknown;
  summary: string;
}

export interface IDeployment {
  name: string;
  namespace: string;
  version: string;
  uploaded: boolean;
  reason: string;
  summary: string;
  /** A web action's public URL (no extension), else null. */
  url: string | null;
}

export interface IBuildJob {
  id: string;
  className: string;
  notebook: string;
  state: 'running' | 'succeeded' | 'failed';
  stage: string | null;
  stages: IStage[];
  build: IBuildSummary | null;
  test: ILocalTest | null;
  deployment: IDeployment | null;
  error: IErrorPayload | null;
  created: number;
}

export interface IKeyValue {
  key: string;
  value: unknown;
}

/** An activation record or list summary, with what the server derives from its annotations. */
export interface IActivation {
  activationId: string;
  name: string;
  namespace: string;
  version: string;
  start: number;
  end: number;
  duration: number;
  statusCode?: number;
  annotations?: IKeyValue[];
  response?: { result: unknown; size?: number; status: string; success: boolean };
  logs?: string[];
  cold: boolean;
  initTime: number | null;
  waitTime: number | null;
  kind: string | null;
  status: string;
  success: boolean;
}

/** One row of the actions list. `name` is what it is invoked by (`pkg/b` in a package; `namespace` is then
 * `ns/pkg`); `kind` is `"sequence"` for a sequence, whose `components` are fully qualified, in order. */
export interface IActionInfo {
  name: string;
  namespace: string;
  version: string;
  kind: string | null;
  components: string[] | null; // a sequence's: ["/guest/a", "/guest/pkg/b"]; null for other actions
  image: string | null;
  memory: number | null;
  timeout: number | null;
  updated: number | null;
  className: string | null;
  notebook: string | null;
  lastActivation: IActivation | null;
  /** A web action's public URL (no extension), else null. */
  webUrl: string | null;
}

export interface IActionsReply {
  namespace: string;
  actions: IActionInfo[];
}

export interface IInvokeReply {
  activationId: string;
  activation?: IActivation; // blocking invokes only
}

export interface ILogsReply {
  activationId: string;
  logs: string[];
}

export interface IResultReply {
  result: unknown;
  size?: number;
  status: string;
  success: boolean;
}

export interface IStatsPoint {
  activationId: string;
  action: string;
  start: number;
  duration: number;
  initTime: number | null;
  cold: boolean;
  success: boolean;
}

export interface IActionStats {
  action: string;
  versions: string[];
  count: number;
  cold: number;
  warm: number;
  coldShare: number | null;
  successRate: number | null;
  p50: number | null;
  p95: number | null;
  warmP50: number | null;
  coldP50: number | null;
  initP50: number | null;
  waitP50: number | null;
  series: IStatsPoint[];
}

export interface IStats {
  actions: IActionStats[];
  activations: number;
}

/** The endpoints the model calls; `api.ts` implements it over HTTP, unit tests with a fake. */
export interface IFaasApi {
  config(): Promise<IConfig>;
  classes(notebook: INotebookPayload): Promise<IClassesReply>;
  startBuild(notebook: INotebookPayload, options: IDeployOptions): Promise<IBuildJob>;
  build(jobId: string): Promise<IBuildJob>;
  actions(): Promise<IActionsReply>;
  deleteAction(name: string): Promise<unknown>;
  invoke(name: string, params: Record<string, unknown>, blocking: boolean): Promise<IInvokeReply>;
  activations(query?: { name?: string; limit?: number }): Promise<{ activations: IActivation[] }>;
  activation(id: string): Promise<IActivation>;
  logs(id: string): Promise<ILogsReply>;
  result(id: string): Promise<IResultReply>;
  stats(name?: string): Promise<IStats>;
}

export namespace CommandIDs {
  export const open = 'jupyter-faas:open';
  export const deployAtCursor = 'jupyter-faas:deploy-class-at-cursor';
  export const refresh = 'jupyter-faas:refresh';
}
