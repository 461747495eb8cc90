// Following a form's POST/redirect/GET the way a browser does: the flash cookie the POST set goes with the GET.
import { expect } from 'vitest';
import { call, type TestContext } from './server.ts';

/** The "name=value" pairs a response sets (an empty value deletes a cookie, so it is left out). */
export function cookiesSetBy(response: Response): string[] {
  return response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .filter((pair) => pair.includes('=') && !pair.endsWith('='));
}

/** Expects a 303 to a path on this site and follows it with the session and the cookies it set; the page's text. */
export async function followRedirect(ctx: TestContext, response: Response, cookie: string) {
  expect(response.status).toBe(303);
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/(?!\/)/);
  const cookies = [cookie, ...cookiesSetBy(response)].join('; ');
  const page = await call(ctx, 'GET', location, { cookie: cookies });
  return { location, page, text: await page.text(), cookies };
}

/** The opening tag of the input or select with this id (attributes in any order), or '' when there is none. */
export function fieldTag(html: string, id: string): string {
  return new RegExp(`<(?:input|select|textarea)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
}

/** Expects the field to show what was typed, marked invalid, with its message tied to it. */
export function expectKeptField(html: string, id: string, typed: string | null) {
  const tag = fieldTag(html, id);
  expect(tag, `field #${id}`).toContain('aria-invalid="true"');
  expect(tag).toMatch(new RegExp(`aria-describedby="[^"]*\\b${id}-error"`));
  if (typed !== null) expect(tag).toContain(`value="${typed}"`);
  expect(html).toMatch(new RegExp(`<p class="field-error" id="${id}-error">[^<]+</p>`));
}
