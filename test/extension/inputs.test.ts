import { describe, expect, it } from 'vitest';
import { originPattern, parseConsoleOrigin } from '../../extension/console-origins.ts';
import { parseSignIn } from '../../extension/sign-in-input.ts';

describe('a console address as the admin types it', () => {
  it.each([
    ['https://acme.outsystemsenterprise.com/Users/Users.aspx', 'https://acme.outsystemsenterprise.com'],
    ['acme.outsystemsenterprise.com', 'https://acme.outsystemsenterprise.com'],
    ['  http://localhost:8080/admin ', 'http://localhost:8080'],
    ['HTTPS://ACME.example.COM', 'https://acme.example.com'],
  ])('keeps the origin of %j', (input, origin) => {
    expect(parseConsoleOrigin(input)).toEqual({ ok: true, origin });
  });

  it.each([
    ['', 'Type the console’s address'],
    ['https://*.example.com', 'wildcards and spaces are not allowed'],
    ['two words', 'wildcards and spaces are not allowed'],
    ['ftp://files.example.com', 'Only http:// and https:// consoles'],
    ['https://admin:secret@acme.example.com', 'Leave the user name and password out'],
    ['https://exa mple', 'wildcards and spaces'],
    ['http://[::1', 'is not a web address'],
  ])('refuses %j, saying why', (input, message) => {
    const parsed = parseConsoleOrigin(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok || parsed.message).toContain(message);
  });
});

describe('the match pattern an origin is granted and registered with', () => {
  it('names the port where patterns may (Chrome)', () => {
    expect(originPattern('http://localhost:8787', true)).toBe('http://localhost:8787/*');
    expect(originPattern('https://acme.example.com', true)).toBe('https://acme.example.com/*');
  });

  it('covers every port of the host where patterns may not name one (Firefox)', () => {
    expect(originPattern('http://localhost:8787', false)).toBe('http://localhost/*');
    expect(originPattern('https://acme.example.com', false)).toBe('https://acme.example.com/*');
    expect(originPattern('https://[::1]:8443', false)).toBe('https://[::1]/*');
  });
});

describe('the sign-in form', () => {
  const TOKEN = 'skp_abcdefghijklmnop.abcdefghijklmnopqrstuvwxyz234567';

  it('takes the server’s origin from any of its addresses and a token of the server’s shape', () => {
    expect(parseSignIn('https://certify.example.com/portal/users', ` ${TOKEN}\n`)).toEqual({
      ok: true,
      origin: 'https://certify.example.com',
      token: TOKEN,
    });
  });

  it.each([
    ['ftp://certify.example.com', TOKEN, 'Type the server’s address'],
    [
      'https://certify.example.com',
      '',
      'Paste a personal access token; create one at https://certify.example.com/portal/tokens',
    ],
    ['https://certify.example.com', 'seatkeeper_session=abc', 'not a Seatkeeper access token'],
    ['https://certify.example.com', `${TOKEN} extra`, 'not a Seatkeeper access token'],
  ])('refuses %j with %j, saying what to do', (url, token, message) => {
    const parsed = parseSignIn(url, token);
    expect(parsed.ok || parsed.message).toContain(message);
  });
});
