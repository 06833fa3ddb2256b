// Loads each page given in PAGES (a JSON list of file paths) in Debian's Chromium (playwright-core) and
// reports, as one JSON line on stdout, what ran or appeared there: whether window.__pwned was set (every
// hostile payload of tests/fixtures/hostile.json sets it when it runs), dialogs, and the elements a
// payload would add (script, iframe, svg, style, object, embed, an on* handler, a javascript: link, an
// <img> whose src is no strict raster data URL). Run by tests/ui/test_inert_output.py.
import { chromium } from 'playwright-core';

import { CHROMIUM, FLAGS } from './chromium.mjs';

const PAGES = JSON.parse(process.env.PAGES);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const report = [];
try {
  for (const file of PAGES) {
    const page = await browser.newPage();
    const dialogs = [];
    page.on('dialog', async dialog => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await page.waitForTimeout(300); // let onerror/onload handlers of broken images fire
    const seen = await page.evaluate(() => {
      const raster = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
      const all = [...document.querySelectorAll('*')];
      return {
        pwned: window.__pwned ?? null,
        elements: [...document.querySelectorAll('script,iframe,svg,style,object,embed')].map(
          e => e.tagName
        ),
        handlers: all.filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length,
        jsLinks: [...document.querySelectorAll('a[href]')].filter(a =>
          /^\s*javascript:/i.test(a.getAttribute('href'))
        ).length,
        badImages: [...document.querySelectorAll('img')]
          .map(i => i.getAttribute('src'))
          .filter(src => !raster.test(src ?? '')),
        images: document.querySelectorAll('img').length,
        textLength: document.body.innerText.length
      };
    });
    report.push({ file, dialogs, ...seen });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
