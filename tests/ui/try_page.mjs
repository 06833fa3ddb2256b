// Opens the smart body crop's try page (a web action) in Debian's Chromium, picks PHOTO in its file input
// and waits for the crop: reports, as one JSON line on stdout, the status text, the crop <img>'s source
// type and natural size, the box caption and whether the photo canvas was drawn; screenshots go to
// ARTEFACTS. Run by tests/ui/test_try_page.py.
import { chromium } from 'playwright-core';

import { CHROMIUM, FLAGS } from './chromium.mjs';

const { PAGE_URL, PHOTO, ARTEFACTS } = process.env;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on('pageerror', err => errors.push(String(err)));
  await page.goto(PAGE_URL, { waitUntil: 'load' });
  await page.screenshot({ path: `${ARTEFACTS}/try-page-empty.png` });
  await page.selectOption('#upper', 'shoulders');
  await page.selectOption('#lower', 'knees');
  await page.setInputFiles('#file', PHOTO);
  await page.waitForFunction(
    () => /^(Done|The crop failed|Cannot read)/.test(document.getElementById('status').textContent),
    null,
    { timeout: 180000 }
  );
  await page.waitForTimeout(200); // the crop image decodes
  const seen = await page.evaluate(() => {
    const crop = document.getElementById('crop');
    const canvas = document.getElementById('photo');
    return {
      status: document.getElementById('status').textContent,
      cropType: (crop.getAttribute('src') ?? '').slice(0, 23),
      cropHidden: crop.hidden,
      cropSize: [crop.naturalWidth, crop.naturalHeight],
      box: document.getElementById('box').textContent,
      canvasSize: [canvas.width, canvas.height]
    };
  });
  await page.screenshot({ path: `${ARTEFACTS}/try-page-crop.png`, fullPage: true });
  console.log(JSON.stringify({ ...seen, errors }));
} finally {
  await browser.close();
}
