import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { FaasRequestError, errorFromResponse } from '../errors';
import { extractImages, formatBytes, formatMs, imageSource } from '../format';
import { FaasModel } from '../model';
import { classAtCursor } from '../notebook';
import { defaultActionName, parseParams } from '../params';
import { IClassInfo } from '../payloads';
import { actionInfo, FakeApi } from './fake';

const PNG = 'iVBORw0KGgo' + 'A'.repeat(201); // whole base64 quanta: 212 characters
const NOTEBOOK = { path: 'notebooks/demo.ipynb', cells: [] };

function classInfo(name: string, cellId: string, line: number, endLine: number): IClassInfo {
  return {
    name,
    cellId,
    cellIndex: 0,
    line,
    endLine,
    methods: ['predict'],
    method: 'predict',
    params: ['image'],
    doc: ''
  };
}

describe('values people type', () => {
  it('parses parameters as a JSON object, or says how to write one', () => {
    expect(parseParams('')).toEqual({ value: {} });
    expect(parseParams('{"a": 1}')).toEqual({ value: { a: 1 } });
    const bad = parseParams("{'a': 1}");
    expect('error' in bad && bad.error.code).toBe('InvalidJSON');
    expect('error' in bad && bad.error.fix).toContain('double quotes');
    const array = parseParams('[1, 2]');
    expect('error' in array && array.error.error).toContain('not an array');
  });

  it('names actions like the build service does', () => {
    expect(defaultActionName('SmartBodyCrop')).toBe('smart-body-crop');
    expect(defaultActionName('Model2Go')).toBe('model2-go');
    expect(defaultActionName('scorer')).toBe('scorer');
  });
});

describe('errors from the server', () => {
  it('keeps the server extension’s error, code and fix', () => {
    const error = errorFromResponse(404, {
      error: 'The requested resource does not exist.',
      code: 'NotFound',
      fix: 'Check the name.'
    });
    expect(error).toBeInstanceOf(FaasRequestError);
    expect([error.code, error.fix, error.status]).toEqual(['NotFound', 'Check the name.', 404]);
  });

  it('turns a foreign 404 into "the server extension is not installed: run ..."', () => {
    const error = errorFromResponse(404, null);
    expect(error.code).toBe('ExtensionNotInstalled');
    expect(error.message).toContain('not installed');
    expect(error.fix).toContain('pip install');
  });

  it('says something useful for a bare 500', () => {
    const error = errorFromResponse(500, { message: 'Unhandled error' });
    expect(error.code).toBe('HTTPError');
    expect(error.message).toContain('500');
  });
});

describe('formatting', () => {
  it('writes times and sizes for people', () => {
    expect(formatMs(3.25)).toBe('3.3 ms');
    expect(formatMs(35.4)).toBe('35 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(null)).toBe('–');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4096)).toBe('4.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('finds images in results and leaves the rest readable', () => {
    expect(imageSource(PNG)).toBe(`data:image/png;base64,${PNG}`);
    const jpeg = `data:image/jpeg;base64,/9j/${'A'.repeat(96)}`;
    expect(imageSource(jpeg)).toBe(jpeg);
    // nothing that could leave the attribute, nor a format that can carry script
    expect(imageSource(`${jpeg}" onerror="alert(1)`)).toBeNull();
    expect(
      imageSource(`data:image/svg+xml;base64,${btoa('<svg onload="alert(1)"/>'.repeat(4))}`)
    ).toBeNull();
    expect(imageSource(`data:image/png;base64,/9j/${'A'.repeat(96)}`)).toBeNull(); // claims PNG, is JPEG
    expect(imageSource(`javascript:alert(1)//${'A'.repeat(80)}`)).toBeNull();
    expect(imageSource('iVBORw0KGgo')).toBeNull(); // too short to be a picture
    expect(imageSource('A'.repeat(200))).toBeNull(); // base64, but no image signature
    expect(imageSource('hello world')).toBeNull();
    const found = extractImages({ x: 1, crop: PNG, more: [PNG] });
    expect(found.images.map(i => i.path)).toEqual(['crop', 'more[0]']);
    expect(found.value).toEqual({
      x: 1,
      crop: '<image 159 B, shown below>',
      more: ['<image 159 B, shown below>']
    });
  });
});

describe('class under the cursor', () => {
  const classes = [
    classInfo('A', 'c1', 1, 5),
    classInfo('B', 'c1', 7, 9),
    classInfo('C', 'c2', 1, 3)
  ];
  it('is the class whose lines hold the cursor', () => {
    expect(classAtCursor(classes, { cellId: 'c1', line: 8 })?.name).toBe('B');
    expect(classAtCursor(classes, { cellId: 'c1', line: 6 })).toBeNull(); // between two classes
    expect(classAtCursor(classes, { cellId: 'c2', line: 10 })?.name).toBe('C'); // the cell's only class
    expect(classAtCursor(classes, { cellId: 'c3', line: 1 })).toBeNull();
    expect(classAtCursor(classes, null)).toBeNull();
  });
});

describe('FaasModel', () => {
  let api: FakeApi;
  let model: FaasModel;
  let changes: number;

  beforeEach(() => {
    vi.useFakeTimers();
    api = new FakeApi();
    model = new FaasModel(api, { pollInterval: 100, now: () => 5000 });
    changes = 0;
    model.changed.connect(() => (changes += 1));
  });

  afterEach(() => {
    model.dispose();
    vi.useRealTimers();
  });

  it('refreshes config, actions, activations and stats, and shows an error with its fix', async () => {
    await model.refresh();
    expect(model.config?.auth).toBe('23bc46b1-...:****');
    expect(model.error).toBeNull();
    expect(changes).toBeGreaterThan(0);
    api.failNext = new FaasRequestError(
      { error: 'Cannot connect', code: 'ConnectionFailed', fix: 'Start the engine.' },
      503
    );
    await model.refresh();
    expect(model.error).toMatchObject({ code: 'ConnectionFailed', fix: 'Start the engine.' });
    model.dismissError();
    expect(model.error).toBeNull();
  });

  it('lists the classes of the current notebook and forgets them when it closes', async () => {
    api.classList = [classInfo('SmartBodyCrop', 'c1', 1, 20)];
    await model.setNotebook(NOTEBOOK);
    expect(model.classes.map(c => c.name)).toEqual(['SmartBodyCrop']);
    expect(model.deploys.form('SmartBodyCrop')).toMatchObject({
      name: 'smart-body-crop',
      method: 'predict',
      memory: null
    });
    await model.setNotebook(null);
    expect(model.classes).toEqual([]);
  });

  it('refuses malformed test arguments before calling the server', async () => {
    api.classList = [classInfo('SmartBodyCrop', 'c1', 1, 20)];
    await model.setNotebook(NOTEBOOK);
    model.deploys.setTestArgsText('SmartBodyCrop', '{image: 1}');
    expect(await model.deploy('SmartBodyCrop')).toBeNull();
    expect(model.deploys.job('SmartBodyCrop')?.error?.code).toBe('InvalidJSON');
    expect(api.calls).not.toContain('startBuild');
  });

  it('deploys with the form, follows the job, then refreshes the actions and stops polling', async () => {
    api.classList = [classInfo('SmartBodyCrop', 'c1', 1, 20)];
    await model.setNotebook(NOTEBOOK);
    model.deploys.updateForm('SmartBodyCrop', { memory: 384, image: 'my/image:1' });
    model.deploys.setTestArgsText('SmartBodyCrop', '{"image": "a.png"}');
    const job = await model.deploy('SmartBodyCrop');
    expect(job?.state).toBe('running');
    expect(api.lastOptions).toMatchObject({
      className: 'SmartBodyCrop',
      name: 'smart-body-crop',
      memory: 384,
      image: 'my/image:1',
      testArgs: { image: 'a.png' }
    });
    expect(model.polling).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(model.deploys.job('SmartBodyCrop')?.state).toBe('running');
    await vi.advanceTimersByTimeAsync(100);
    expect(model.deploys.job('SmartBodyCrop')?.state).toBe('succeeded');
    expect(model.actions.map(a => a.name)).toEqual(['smart-body-crop']);
    expect(model.polling).toBe(false);
  });

  it("replaces the last deploy's report at once, before the server answers", async () => {
    api.classList = [classInfo('SmartBodyCrop', 'c1', 1, 20)];
    await model.setNotebook(NOTEBOOK);
    await model.deploy('SmartBodyCrop');
    await vi.advanceTimersByTimeAsync(200);
    expect(model.deploys.job('SmartBodyCrop')?.state).toBe('succeeded');
    const last = model.deploys.job('SmartBodyCrop')?.id;
    let answer: () => void = () => undefined;
    api.holdStart = new Promise<void>(resolve => (answer = resolve));
    const deploying = model.deploy('SmartBodyCrop');
    const starting = model.deploys.job('SmartBodyCrop');
    expect(starting).toMatchObject({
      id: '',
      state: 'running',
      stage: 'starting',
      deployment: null
    });
    await vi.advanceTimersByTimeAsync(300); // polls meanwhile leave the id-less job alone
    expect(model.deploys.job('SmartBodyCrop')?.stage).toBe('starting');
    answer();
    const job = await deploying;
    expect(job?.id).not.toBe(last);
    expect(job?.id).not.toBe('');
    api.holdStart = null;
    await vi.advanceTimersByTimeAsync(200);
    expect(model.deploys.job('SmartBodyCrop')).toMatchObject({ id: job?.id, state: 'succeeded' });
  });

  it('shows a non-blocking activation as running until its record is stored', async () => {
    model.invoker.select('smart-body-crop');
    model.invoker.setBlocking(false);
    model.invoker.setParam('image', 'data:image/png;base64,AAAA');
    expect(JSON.parse(model.invoker.state?.text ?? '')).toEqual({
      image: 'data:image/png;base64,AAAA'
    });
    await model.runInvoke();
    const id = model.invoker.state?.activationId ?? '';
    expect(model.pending.map(p => p.activationId)).toEqual([id]);
    expect(model.polling).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(model.pending).toEqual([]);
    expect(model.activations[0].activationId).toBe(id);
    expect(model.activations[0].cold).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(model.polling).toBe(false);
  });

  it('adds a blocking activation at once, cold then warm', async () => {
    model.invoker.select('smart-body-crop');
    await model.runInvoke();
    expect(model.invoker.state?.activation?.cold).toBe(true);
    await model.runInvoke();
    expect(model.invoker.state?.activation?.cold).toBe(false);
    expect(model.activations.map(a => a.cold)).toEqual([false, true]);
    expect(model.polling).toBe(false);
  });

  it('does not invoke with malformed parameters', async () => {
    model.invoker.select('a');
    model.invoker.setText('{"x": }');
    await model.runInvoke();
    expect(model.invoker.state?.error?.code).toBe('InvalidJSON');
    expect(api.calls.some(c => c.startsWith('invoke'))).toBe(false);
  });

  it('opens an activation with its logs, and closes it on a second click', async () => {
    model.invoker.select('a');
    await model.runInvoke();
    const id = model.activations[0].activationId;
    await model.openActivation(id);
    expect(model.detail?.record?.activationId).toBe(id);
    expect(model.detail?.logs?.[0]).toContain('stdout: hello');
    await model.openActivation(id);
    expect(model.detail).toBeNull();
  });

  it('deletes an action and closes its invoke editor', async () => {
    api.actionList = [actionInfo('a')];
    await model.refresh();
    model.invoker.select('a');
    expect(await model.deleteAction('a')).toBe(true);
    expect(model.actions).toEqual([]);
    expect(model.invoker.state).toBeNull();
    expect(api.calls).toContain('delete a');
  });

  it('keeps the error of an invoke whose action vanished: the panel closes, the header shows it', async () => {
    api.actionList = [actionInfo('a')];
    await model.refresh();
    model.invoker.select('a');
    api.actionList = []; // deleted elsewhere
    api.failNext = new FaasRequestError(
      {
        error: 'action /_/a does not exist',
        code: 'NotFound',
        fix: 'List what exists with `jupyter-faas action list`.',
        steps: [{ verb: 'action.list', args: [] }]
      },
      404
    );
    await model.runInvoke();
    await vi.waitFor(() => expect(model.invoker.state).toBeNull());
    expect(model.actions).toEqual([]);
    expect(model.error?.code).toBe('NotFound');
    expect(model.error?.steps).toEqual([{ verb: 'action.list', args: [] }]);
  });
});
