import { describe, expect, it } from 'vitest';
import { readCookie } from '../../server/http/security.ts';

const NAME = 'seatkeeper_session';

describe('readCookie: the session cookie read straight from the header', () => {
  it.each([
    ['seatkeeper_session=abc.def', 'abc.def'],
    ['theme=dark; seatkeeper_session=abc.def', 'abc.def'],
    ['theme=dark;seatkeeper_session=abc.def; lang=fr', 'abc.def'],
    ['theme=dark;  \tseatkeeper_session=abc.def ;lang=fr', 'abc.def'],
    ['seatkeeper_session=first; seatkeeper_session=second', 'first'],
  ])('finds it in %j', (header, value) => {
    expect(readCookie(header, NAME)).toBe(value);
  });

  it.each([
    [undefined],
    [''],
    ['theme=dark'],
    ['seatkeeper_session='],
    ['seatkeeper_session'],
    // A longer name that ends or starts with ours is another cookie.
    ['x_seatkeeper_session=abc.def'],
    ['seatkeeper_session_old=abc.def'],
    // Our name inside another cookie's value must not be taken for the cookie itself.
    ['note=seatkeeper_session=abc.def'],
    ['note="a seatkeeper_session=abc.def"'],
  ])('finds nothing in %j', (header) => {
    expect(readCookie(header, NAME)).toBeUndefined();
  });

  it('skips a look-alike before finding the real one', () => {
    expect(readCookie('note=seatkeeper_session=evil; seatkeeper_session=good', NAME)).toBe('good');
  });

  it('reads the __Host- name used over HTTPS', () => {
    expect(readCookie('seatkeeper_session=plain; __Host-seatkeeper_session=secure', '__Host-seatkeeper_session')).toBe(
      'secure',
    );
  });
});
