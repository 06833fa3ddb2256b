/**
 * Hostile results and errors render inert in the sidebar (issue 11, point 5): React escapes text, and an
 * image is shown only from a strictly validated base64 data URL. The same payloads as the notebook's
 * renderings (tests/fixtures/hostile.json). With FAAS_SIDEBAR_MARKUP set, the markup is also written
 * there, for tests/ui/test_inert_output.py to load in headless Chromium.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { ErrorBox, ResultView } from '../components/section';

const HOSTILE: string[] = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/hostile.json', import.meta.url), 'utf-8')
).payloads;
const RASTER = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

function markup(): string {
  const value = Object.fromEntries(HOSTILE.map((p, i) => [`k${i}${p}`, p]));
  const views = [
    <ResultView key="result" value={{ ...value, nested: [HOSTILE, { deeper: HOSTILE }] }} />,
    ...HOSTILE.map((p, i) => (
      <ErrorBox key={i} error={{ error: p, code: p, fix: p, status: 400, activationId: p }} />
    ))
  ];
  return renderToStaticMarkup(<div>{views}</div>);
}

describe('inert output', () => {
  it('renders hostile results and errors as text, with no element or handler of theirs', () => {
    const html = markup();
    expect(html).not.toMatch(/<(script|iframe|svg|style|a)\b/i);
    expect(html).not.toMatch(/<[^>]*\son(error|load)\s*=/i); // as an attribute, not as escaped text
    for (const [, src] of html.matchAll(/<img[^>]*\ssrc="([^"]*)"/g)) {
      expect(src).toMatch(RASTER);
    }
    if (process.env.FAAS_SIDEBAR_MARKUP) {
      writeFileSync(process.env.FAAS_SIDEBAR_MARKUP, html);
    }
  });
});
