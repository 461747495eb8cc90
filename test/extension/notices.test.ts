// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { BANNER_TAG, showNotices } from '../../extension/banner.ts';
import { localDay, pageNotices } from '../../extension/notices.ts';
import type { LicenceSummary } from '../../shared/api/extension-contract.ts';

const TODAY = '2026-11-24';

function summary(internal: [number, number | null], external: [number, number | null], changes = {}) {
  const usage = ([used, capacity]: [number, number | null]) => {
    if (capacity === null) return { used, capacity, level: null };
    const ratio = capacity === 0 ? (used > 0 ? Number.POSITIVE_INFINITY : 0) : used / capacity;
    const level = ratio > 1 ? 'over' : ratio >= 0.9 ? 'warning' : ratio >= 0.8 ? 'notice' : 'ok';
    return { used, capacity, level } as const;
  };
  return {
    asOf: '2026-11-24T10:00:00.000Z',
    internal: usage(internal),
    external: usage(external),
    licence: { type: 'subscription', endsOn: '2027-10-31', state: 'active' },
    breaches: [],
    ...changes,
  } as LicenceSummary;
}

describe('page notices (rule 21 levels, rules 22 and 23)', () => {
  it('says nothing below 80%, and nothing without figures', () => {
    expect(pageNotices(summary([79, 100], [7_999, 10_000]), {}, TODAY)).toEqual([]);
    expect(pageNotices(null, {}, TODAY)).toEqual([]);
    expect(pageNotices(summary([500, null], [20, null], { licence: null }), {}, TODAY)).toEqual([]);
  });

  it('warns at 80%, 90% and over 100% with the buckets concerned', () => {
    expect(pageNotices(summary([80, 100], [10, 10_000]), {}, TODAY)).toEqual([
      {
        key: 'capacity:notice',
        tone: 'notice',
        title: 'Licence capacity: 80% reached',
        lines: ['Internal users: 80 of 100 (80%)'],
      },
    ]);
    const ninety = pageNotices(summary([90, 100], [8_500, 10_000]), {}, TODAY);
    expect(ninety).toHaveLength(1);
    expect(ninety[0]).toMatchObject({ key: 'capacity:warning', title: 'Licence capacity: 90% reached' });
    expect(ninety[0]?.lines).toEqual(['Internal users: 90 of 100 (90%)', 'External users: 8,500 of 10,000 (85%)']);
    const over = pageNotices(
      summary([101, 100], [10, 10_000], {
        breaches: [{ code: 'over-capacity-internal', message: '101 internal users for a capacity of 100: buy 1 pack' }],
      }),
      {},
      TODAY,
    );
    expect(over).toEqual([
      {
        key: 'capacity:over',
        tone: 'over',
        title: 'Licence capacity exceeded',
        lines: ['Internal users: 101 of 100 (101%)', '101 internal users for a capacity of 100: buy 1 pack'],
      },
    ]);
  });

  it('shows other breaches and the licence term, most severe first', () => {
    const notices = pageNotices(
      summary([85, 100], [3, 0], {
        licence: { type: 'demo', endsOn: '2026-12-01', state: 'ending-soon' },
        breaches: [
          { code: 'external-not-allowed', message: '3 external users counted, but a Demo licence allows none' },
        ],
      }),
      {},
      TODAY,
    );
    expect(notices.map((notice) => notice.key)).toEqual([
      'capacity:over',
      'breach:external-not-allowed',
      'licence:ending-soon',
    ]);
    expect(notices[0]?.lines).toContain('External users: 3 (the licence allows none)');
    expect(notices[2]?.title).toBe('The Seatkeeper licence ends on Dec 1, 2026');
    const expired = pageNotices(
      summary([1, 100], [0, 0], { licence: { type: 'trial', endsOn: '2026-11-01', state: 'expired' } }),
      {},
      TODAY,
    );
    expect(expired).toMatchObject([
      { key: 'licence:expired', tone: 'over', title: 'The Seatkeeper licence expired on Nov 1, 2026' },
    ]);
  });

  it('hides a notice dismissed today, per level: a higher level shows again, tomorrow everything does', () => {
    const ninety = summary([90, 100], [0, 10_000]);
    expect(pageNotices(ninety, { 'capacity:warning': TODAY }, TODAY)).toEqual([]);
    expect(pageNotices(ninety, { 'capacity:warning': '2026-11-23' }, TODAY)).toHaveLength(1);
    expect(pageNotices(summary([101, 100], [0, 10_000]), { 'capacity:warning': TODAY }, TODAY)).toMatchObject([
      { key: 'capacity:over' },
    ]);
  });

  it('counts days as the admin lives them', () => {
    expect(localDay(new Date(2026, 10, 24, 23, 59))).toBe('2026-11-24');
    expect(localDay(new Date(2026, 0, 2, 0, 0))).toBe('2026-01-02');
  });
});

describe('the banner', () => {
  it('shows each notice as text in its own shadow root, dismissible, and goes when there are none', () => {
    document.body.replaceChildren();
    const dismiss = vi.fn();
    const hostile = '<img src=x onerror=alert(1)>';
    showNotices(document, [{ key: 'breach:x', tone: 'over', title: 'Licence breach', lines: [hostile] }], dismiss);
    const host = document.querySelector(BANNER_TAG) as HTMLElement;
    expect(host.parentElement).toBe(document.body);
    const notice = host.shadowRoot?.querySelector('.notice.over') as HTMLElement;
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toContain(`Seatkeeper · Action needed: Licence breach${hostile}`);
    expect(host.shadowRoot?.querySelectorAll('img')).toHaveLength(0);
    const shadow = host.shadowRoot as ShadowRoot;
    (shadow.querySelector('.notice button') as HTMLButtonElement).click();
    expect(dismiss).toHaveBeenCalledWith('breach:x');

    // Drawn again: the same host, the new notices.
    showNotices(document, [{ key: 'capacity:notice', tone: 'notice', title: '80%', lines: [] }], dismiss);
    expect(document.querySelectorAll(BANNER_TAG)).toHaveLength(1);
    expect(host.shadowRoot?.querySelectorAll('.notice')).toHaveLength(1);
    expect(host.shadowRoot?.querySelector('.notice')?.getAttribute('role')).toBe('status');
    showNotices(document, [], dismiss);
    expect(document.querySelector(BANNER_TAG)).toBeNull();
  });
});
