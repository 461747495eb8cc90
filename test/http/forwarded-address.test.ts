import { describe, expect, it } from 'vitest';
import { forwardedAddress } from '../../server/http/security.ts';

describe('forwardedAddress', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['192.0.2.1:8443', '192.0.2.1'],
    ['2001:db8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ])('reads %s as %s', (entry, address) => {
    expect(forwardedAddress(entry)).toBe(address);
  });

  it.each([
    [undefined],
    [''],
    ['unknown'],
    ['example.com'],
    ['192.0.2.1.5'],
    ['999.0.2.1'],
    ['<script>alert(1)</script>'],
    ['1'.repeat(65)],
    [`2001:db8::1${' '.repeat(70)}`],
  ])('refuses %s', (entry) => {
    expect(forwardedAddress(entry)).toBeUndefined();
  });
});
