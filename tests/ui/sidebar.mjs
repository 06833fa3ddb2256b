// The sidebar in a real JupyterLab, driven by Playwright (playwright-core) on Debian's Chromium.
//
// Run by tests/ui/test_sidebar_ui.py, which starts the engine and `jupyter lab` and passes, in the
// environment: LAB_URL (ends with /), LAB_TOKEN, NOTEBOOK (path under the lab's root), PHOTO (a file),
// CLASS_NAME, ACTION, ARTEFACTS (screenshots go there), CHROMIUM (default /usr/bin/chromium),
// USER_DATA_DIR (a fresh, empty folder), SEQUENCE and SEQUENCE_CHAIN (a sequence that exists, and the
// chain of its components the sidebar should show, e.g. `a → pkg/b`), GONE (an action this script
// deletes behind the sidebar's back). Each step throws with what it waited for; exit 0 means all
// steps passed. Screenshots: 01-... to 09-..., for a person to look at.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CHROMIUM, FLAGS } from './chromium.mjs';

const env = process.env;
const LAB_URL = env.LAB_URL;
const TOKEN = env.LAB_TOKEN;
const NOTEBOOK = env.NOTEBOOK;
const CLASS_NAME = env.CLASS_NAME ?? 'SmartBodyCrop';
const ACTION = env.ACTION ?? 'smart-body-crop';
const ARTEFACTS = env.ARTEFACTS;
const DEPLOY_TIMEOUT = Number(env.DEPLOY_TIMEOUT_MS ?? 600000);
const SEQUENCE = env.SEQUENCE;
const SEQUENCE_CHAIN = env.SEQUENCE_CHAIN;
const GONE = env.GONE;

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = join(ARTEFACTS, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot ${file}`);
}

async function sidebarShot(page, name) {
  step += 1;
  const file = join(ARTEFACTS, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.locator('#jupyter-faas-sidebar').screenshot({ path: file });
  console.log(`screenshot ${file}`);
}

/**
 * Run a command from the command palette: open the palette (by its own command), type the label, click
 * it. The modal palette closes when it loses focus, and a notebook that finishes loading (its kernel
 * connecting) can take the focus at that moment: then open it again.
 */
/** The id of the deploy just started: the report shows it (never the last deploy's) once the server
 * answers; until then it shows a "starting" job with no id. */
async function thisDeploysJob(form, previous) {
  const report = form.locator('[data-testid="faas-build-report"]');
  const deadline = Date.now() + 30000;
  for (;;) {
    const id = await report.getAttribute('data-job');
    const state = await report.getAttribute('data-state');
    if (id === '' && state !== 'running') {
      throw new Error(`the new deploy failed before it started: ${await report.innerText()}`);
    }
    if (id !== '' && id !== previous) {
      return id;
    }
    if (Date.now() > deadline) {
      throw new Error('the new deploy never got a job id');
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function runFromPalette(page, label) {
  const palette = page.locator('.lm-CommandPalette-input');
  const item = page.locator('.lm-CommandPalette-item', { hasText: label }).first();
  let last = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!(await palette.isVisible())) {
      await page.evaluate(() =>
        window.jupyterapp.commands.execute('apputils:activate-command-palette')
      );
    }
    try {
      await palette.fill(label, { timeout: 5000 });
      await item.click({ timeout: 5000 });
      return;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** Drag the split handle right of the left panel, as a person does to give the sidebar room. */
async function widenLeftPanel(page, sidebar, width) {
  const box = await sidebar.boundingBox();
  const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').first();
  const grip = await handle.boundingBox();
  if (!box || !grip || box.width >= width) {
    return;
  }
  const x = grip.x + grip.width / 2;
  const y = grip.y + grip.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + (width - box.width), y, { steps: 5 });
  await page.mouse.up();
}

function log(message) {
  console.log(`[ui] ${message}`);
}

async function main() {
  const context = await chromium.launchPersistentContext(env.USER_DATA_DIR, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 1000 }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', error => console.log(`[page error] ${error.message}`));
  try {
    await run(page);
  } catch (error) {
    await shot(page, 'failure').catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

async function run(page) {
  log(`open ${NOTEBOOK}`);
  await page.goto(`${LAB_URL}lab/tree/${NOTEBOOK}?token=${TOKEN}`);
  await page.locator('.jp-Notebook').first().waitFor({ timeout: 120000 });
  await page.locator('.jp-Notebook .jp-Cell').first().waitFor();

  log('open the sidebar from the command palette');
  await page.waitForFunction(
    () => window.jupyterapp?.commands.hasCommand('jupyter-faas:open'),
    null,
    {
      timeout: 60000
    }
  );
  await page.evaluate(() => window.jupyterapp.restored);
  // the kernel connected: the notebook has taken the focus it takes once, before the palette opens
  await page
    .locator('.jp-StatusBar-Widget', { hasText: 'Idle' })
    .first()
    .waitFor({ timeout: 120000 });
  await runFromPalette(page, 'Open the OpenWhisk Sidebar');
  const sidebar = page.locator('#jupyter-faas-sidebar');
  await sidebar.waitFor({ state: 'visible' });
  const classRow = sidebar.locator(`[data-testid="faas-class-${CLASS_NAME}"]`);
  await classRow.waitFor({ timeout: 60000 });
  await shot(page, 'sidebar-default-width');
  await widenLeftPanel(page, sidebar, 380);
  await shot(page, 'sidebar-classes');

  log(`deploy ${CLASS_NAME} as ${ACTION}`);
  await classRow.locator('.jp-faas-row').click();
  const form = sidebar.locator(`[data-testid="faas-deploy-form-${CLASS_NAME}"]`);
  await form.waitFor();
  await form.locator('input[name="name"]').fill(ACTION);
  await form.locator('input[name="memory"]').fill('256');
  await form.locator('input[name="timeout"]').fill('60000');
  const photo = `data:image/png;base64,${readFileSync(env.PHOTO).toString('base64')}`;
  await form.locator('textarea[name="testArgs"]').fill(JSON.stringify({ image: photo }));
  await form.locator('input[name="web"]').check(); // a web action: the summary and the list show its URL
  await sidebarShot(page, 'deploy-form');
  await form.locator('[data-testid="faas-deploy-button"]').click();
  const report = form.locator('[data-testid="faas-build-report"]');
  await report.waitFor();
  await report
    .locator('.jp-faas-stage-running')
    .first()
    .waitFor({ timeout: 30000 })
    .catch(() => undefined);
  await sidebarShot(page, 'deploy-progress');
  await form
    .locator(
      '[data-testid="faas-build-report"][data-state="succeeded"], [data-testid="faas-build-report"][data-state="failed"]'
    )
    .waitFor({ timeout: DEPLOY_TIMEOUT });
  const state = await report.getAttribute('data-state');
  await report
    .locator('[data-testid="faas-local-test"], [data-testid="faas-error"]')
    .first()
    .scrollIntoViewIfNeeded();
  await sidebarShot(page, 'deploy-summary');
  if (state !== 'succeeded') {
    throw new Error(`deploy failed: ${await report.innerText()}`);
  }
  const summary = await report.innerText();
  // The form folds away below; the second deploy's report must show another job than this one.
  const firstJob = await report.getAttribute('data-job');
  for (const expected of ['plan', 'zip', 'Local test', 'cold', 'warm', 'deployed']) {
    if (!summary.includes(expected)) {
      throw new Error(`the build summary lacks "${expected}": ${summary}`);
    }
  }

  const webUrl = `/api/v1/web/guest/default/${ACTION}`;
  const deployedUrl = await report.locator('[data-testid="faas-web-url"]').innerText();
  if (!deployedUrl.includes(`${webUrl}.json`)) {
    throw new Error(`the deploy summary lacks the web action's URL: ${deployedUrl}`);
  }

  log(`invoke ${ACTION} on ${env.PHOTO} (blocking)`);
  const actionRow = sidebar.locator(`[data-testid="faas-action-${ACTION}"]`);
  await actionRow.waitFor({ timeout: 30000 });
  const listedUrl = await actionRow.locator('[data-testid="faas-action-web-url"]').innerText();
  if (!listedUrl.endsWith(webUrl)) {
    throw new Error(`the actions list lacks the web action's URL: ${listedUrl}`);
  }
  await form.locator('xpath=..').locator('.jp-faas-row').first().click(); // fold the form away
  await actionRow.locator('.jp-faas-row').click();
  const invoke = actionRow.locator('[data-testid="faas-invoke"]');
  await invoke.waitFor();
  await invoke.locator('[data-testid="faas-invoke-file"]').setInputFiles(env.PHOTO);
  const params = invoke.locator('[data-testid="faas-invoke-params"]');
  await page.waitForFunction(el => el.value.includes('data:image/'), await params.elementHandle());
  const withImage = JSON.parse(await params.inputValue());
  await params.fill(JSON.stringify({ ...withImage, return_image: true }, null, 2));
  await invoke.locator('[data-testid="faas-invoke-button"]').click();
  const result = invoke.locator('[data-testid="faas-invoke-result"]');
  await result.waitFor({ timeout: 120000 });
  const resultText = await result.innerText();
  if (!resultText.includes('success')) {
    throw new Error(`the invoke did not succeed: ${resultText}`);
  }
  await result.locator('img.jp-faas-image').first().waitFor(); // the crop, shown as an image
  await sidebarShot(page, 'invoke-result-image');

  log('the activation appears with a cold badge');
  const rows = sidebar.locator('[data-testid="faas-activation"]');
  await rows.first().waitFor({ timeout: 30000 });
  if ((await rows.first().getAttribute('data-cold')) !== 'true') {
    throw new Error('the first activation of a new action is not marked cold');
  }
  await rows.first().locator('.jp-faas-badge-cold').waitFor();
  await sidebarShot(page, 'activation-cold');

  log('invoke again, not blocking: running, then a warm activation');
  const before = await rows.count();
  await invoke.locator('[data-testid="faas-invoke-blocking"]').uncheck();
  await invoke.locator('[data-testid="faas-invoke-button"]').click();
  await invoke.locator('[data-testid="faas-invoke-started"]').waitFor({ timeout: 60000 });
  await page.waitForFunction(
    ([n]) => document.querySelectorAll('[data-testid="faas-activation"]').length > n,
    [before],
    { timeout: 120000 }
  );
  const newest = rows.first();
  if ((await newest.getAttribute('data-cold')) !== 'false') {
    throw new Error('the second activation is not marked warm');
  }
  await newest.locator('.jp-faas-badge-warm').waitFor();
  await sidebarShot(page, 'activation-warm');

  log('open its logs');
  await newest.click();
  const logs = sidebar.locator('[data-testid="faas-logs"][data-loaded="true"]');
  await logs.waitFor({ timeout: 30000 });
  const lines = (await logs.innerText()).split('\n').filter(line => line.trim() !== '');
  const upstream = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr): /;
  if (lines[0] !== '(no log lines)' && !lines.every(line => upstream.test(line))) {
    throw new Error(`log lines are not in OpenWhisk's format: ${lines.slice(0, 3).join(' | ')}`);
  }
  await sidebar.locator('[data-testid="faas-activation-result"]').waitFor();
  await logs.scrollIntoViewIfNeeded();
  await shot(page, 'activation-logs');

  log('deploy again with the command "deploy the class under the cursor"');
  const cellIndex = Number(await classRow.getAttribute('data-cell-index'));
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(cellIndex);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator('.jp-InputArea-editor').click();
  await runFromPalette(page, 'Deploy the Class Under the Cursor to OpenWhisk');
  await form.waitFor({ timeout: 30000 });
  const secondJob = await thisDeploysJob(form, firstJob);
  await form
    .locator(`[data-testid="faas-build-report"][data-job="${secondJob}"][data-state="succeeded"]`)
    .waitFor({ timeout: DEPLOY_TIMEOUT });
  const again = await form.locator('[data-testid="faas-deployed"]').innerText();
  if (!again.includes('nothing uploaded')) {
    throw new Error(`an unchanged class was uploaded again: ${again}`);
  }
  await shot(page, 'deploy-class-under-cursor');
  await classRow.locator('.jp-faas-row').click(); // fold the form away again

  log('stats and the dark theme');
  const stats = sidebar.locator(`[data-testid="faas-stats-${ACTION}"]`);
  await stats.waitFor({ timeout: 30000 });
  await stats.locator('svg.jp-faas-chart rect').first().waitFor();
  await stats.scrollIntoViewIfNeeded();
  await sidebarShot(page, 'stats');
  const sequenceRow = SEQUENCE ? await checkSequence(page, sidebar) : null;
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Dark' })
  );
  await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'false', null, {
    timeout: 30000
  });
  await page.waitForTimeout(500); // the theme's CSS variables apply on the next frame
  await shot(page, 'dark-theme');
  if (sequenceRow) {
    await sequenceRow.scrollIntoViewIfNeeded();
    await sidebarShot(page, 'sequence-dark');
  }

  if (GONE) {
    await checkNextStep(page, sidebar);
  }

  log('delete the action, after confirming');
  await actionRow.locator('[data-testid="faas-delete"]').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.waitFor();
  await shot(page, 'delete-confirmation');
  await dialog.locator('button', { hasText: 'Delete' }).click();
  await actionRow.waitFor({ state: 'detached', timeout: 30000 });
  log('all steps passed');
}

/** An action deleted elsewhere (another tab, the CLI): deleting it here fails with the fix's next step as a
 * button, and the button refreshes the lists, which no longer show it. */
async function checkNextStep(page, sidebar) {
  log(`${GONE} is deleted elsewhere; deleting it here offers the next step as a button`);
  const row = sidebar.locator(`[data-testid="faas-action-${GONE}"]`);
  await row.waitFor({ timeout: 30000 });
  const deleted = await fetch(`${LAB_URL}jupyter-faas/actions/${GONE}`, {
    method: 'DELETE',
    headers: { Authorization: `token ${TOKEN}` }
  });
  if (!deleted.ok) {
    throw new Error(`could not delete ${GONE} behind the sidebar's back: ${deleted.status}`);
  }
  await row.locator('[data-testid="faas-delete"]').click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.waitFor();
  await dialog.locator('button', { hasText: 'Delete' }).click();
  const error = sidebar.locator('.jp-faas-header [data-testid="faas-error"]');
  await error.waitFor({ timeout: 30000 });
  const text = await error.innerText();
  if (!text.includes('NotFound') || !text.includes('jupyter-faas action list')) {
    throw new Error(`the error does not name the next step: ${text}`);
  }
  const button = error.locator('[data-testid="faas-error-step"]', { hasText: 'Refresh' });
  await button.waitFor();
  await error.scrollIntoViewIfNeeded();
  await sidebarShot(page, 'error-next-step');
  await button.click();
  await row.waitFor({ state: 'detached', timeout: 30000 });
  await error.waitFor({ state: 'detached', timeout: 30000 });
}

/** The sequence's row: badge, chain in order, a component selects its own row, invoked like any action. */
async function checkSequence(page, sidebar) {
  log(`the sequence ${SEQUENCE} shows its components as a chain`);
  const row = sidebar.locator(`[data-testid="faas-action-${SEQUENCE}"]`);
  await row.waitFor({ timeout: 30000 });
  await row.locator('.jp-faas-badge-sequence', { hasText: 'sequence' }).waitFor();
  const chain = row.locator('[data-testid="faas-sequence-chain"]');
  const text = (await chain.innerText()).replace(/\s+/g, ' ').trim();
  if (text !== SEQUENCE_CHAIN) {
    throw new Error(`the chain reads "${text}", not "${SEQUENCE_CHAIN}"`);
  }
  const links = chain.locator('[data-testid="faas-sequence-component"]');
  const last = links.last();
  const short = (await last.innerText()).trim();
  const title = await last.getAttribute('title');
  if (!title || !title.endsWith(`/${short}: select it`) || !title.startsWith('/')) {
    throw new Error(`the component ${short} has no fully qualified name in its tooltip: ${title}`);
  }
  await last.click();
  const component = sidebar.locator(`[data-testid="faas-action-${short}"]`);
  await component.locator('[data-testid="faas-invoke"]').waitFor({ timeout: 10000 });

  log(`invoke ${SEQUENCE} like any action`);
  await row.locator('.jp-faas-row').click();
  const invoke = row.locator('[data-testid="faas-invoke"]');
  await invoke.waitFor();
  await invoke.locator('[data-testid="faas-invoke-params"]').fill('{"photo": "astronaut"}');
  await invoke.locator('[data-testid="faas-invoke-blocking"]').check();
  await invoke.locator('[data-testid="faas-invoke-button"]').click();
  const result = invoke.locator('[data-testid="faas-invoke-result"]');
  await result.waitFor({ timeout: 120000 });
  const value = JSON.parse(await result.locator('.jp-faas-json').innerText());
  if (value.step !== 2 || value.photo !== 'astronaut') {
    throw new Error(`the sequence's result is not the last component's: ${JSON.stringify(value)}`);
  }
  await result.locator('.jp-faas-badge-sequence').waitFor(); // neither cold nor warm: its components are
  await sidebar
    .locator('[data-testid="faas-activation"]', { hasText: SEQUENCE })
    .first()
    .locator('.jp-faas-badge-sequence')
    .waitFor({ timeout: 30000 });
  await row.scrollIntoViewIfNeeded();
  await sidebarShot(page, 'sequence-chain');
  return row;
}

main().catch(error => {
  console.error(`[ui] FAILED: ${error.stack ?? error}`);
  process.exit(1);
});
