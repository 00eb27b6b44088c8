import { describe, expect, it } from 'vitest';
import {
  type Attribution,
  attributeOrder,
  type CodeOwner,
  extractRef,
  type LinkCandidate,
  type MemberRef,
  normalizeCode,
} from '../../src/core/attribution.ts';

const ANA: MemberRef = { campaignId: 'c1', creatorId: 'ana' };
const BEN: MemberRef = { campaignId: 'c1', creatorId: 'ben' };
const CAL: MemberRef = { campaignId: 'c2', creatorId: 'cal' };

const OWNERS: CodeOwner[] = [
  { code: 'summer10', member: ANA },
  { code: 'BEN-15', member: BEN },
  { code: 'Welcome', member: CAL },
];

const CLICK = new Date('2024-05-01T12:00:00.000Z');
const LINK: LinkCandidate = { slug: 'cal-abc', member: CAL, lastClickAt: CLICK, windowDays: 30 };
const DAY = 86_400_000;
const at = (ms: number) => new Date(CLICK.getTime() + ms);

describe('normalizeCode', () => {
  it.each<[string, string]>([
    ['  SUMMER10 ', 'summer10'],
    ['summer10', 'summer10'],
    ['\tSummer10\n', 'summer10'],
    ['\u00a0\u3000SUMMER10\u2003\ufeff\u0085', 'summer10'],
    ['ＳＵＭＭＥＲ１０', 'summer10'], // full-width, NFKC
    ['SUMMER 10', 'summer 10'], // inner space is part of the code
    ['   ', ''],
    ['', ''],
    ['İSTANBUL', 'i̇stanbul'], // locale-independent lower case
  ])('%j → %j', (input, expected) => {
    expect(normalizeCode(input)).toBe(expected);
  });
});

describe('attributeOrder', () => {
  type Order = { codes: string[]; ref: string | null; createdAt: Date };
  const order = (o: Partial<Order>): Order => ({ codes: [], ref: null, createdAt: at(DAY), ...o });

  it.each<[string, Order, { codeOwners: CodeOwner[]; link: LinkCandidate | null }, Attribution | null]>([
    [
      'code with spaces and other case matches the stored code',
      order({ codes: ['  SUMMER10 '] }),
      { codeOwners: OWNERS, link: null },
      { member: ANA, via: { type: 'code', value: 'summer10' } },
    ],
    [
      'reports the code as the brand stored it',
      order({ codes: ['welcome'] }),
      { codeOwners: OWNERS, link: null },
      { member: CAL, via: { type: 'code', value: 'Welcome' } },
    ],
    [
      "the first of the order's codes wins, in the order's own order",
      order({ codes: ['unknown', 'ben-15', 'SUMMER10'] }),
      { codeOwners: OWNERS, link: null },
      { member: BEN, via: { type: 'code', value: 'BEN-15' } },
    ],
    [
      "the order's order beats the brand's list order",
      order({ codes: ['welcome', 'summer10'] }),
      { codeOwners: OWNERS, link: null },
      { member: CAL, via: { type: 'code', value: 'Welcome' } },
    ],
    ['a code not known → null', order({ codes: ['WINTER5'] }), { codeOwners: OWNERS, link: null }, null],
    ['no codes, no link → null', order({}), { codeOwners: OWNERS, link: null }, null],
    ['empty code does not match', order({ codes: ['  '] }), { codeOwners: [{ code: ' ', member: ANA }], link: null }, null],
    [
      'a code beats a link',
      order({ codes: ['summer10'], ref: 'cal-abc' }),
      { codeOwners: OWNERS, link: LINK },
      { member: ANA, via: { type: 'code', value: 'summer10' } },
    ],
    [
      'an unknown code falls through to the link',
      order({ codes: ['nope'], ref: 'cal-abc' }),
      { codeOwners: OWNERS, link: LINK },
      { member: CAL, via: { type: 'link', value: 'cal-abc' } },
    ],
    [
      'link inside the window',
      order({ ref: 'cal-abc', createdAt: at(10 * DAY) }),
      { codeOwners: [], link: LINK },
      { member: CAL, via: { type: 'link', value: 'cal-abc' } },
    ],
    [
      'link at the exact edge of the window counts',
      order({ ref: 'cal-abc', createdAt: at(30 * DAY) }),
      { codeOwners: [], link: LINK },
      { member: CAL, via: { type: 'link', value: 'cal-abc' } },
    ],
    [
      'order at the click instant counts',
      order({ ref: 'cal-abc', createdAt: at(0) }),
      { codeOwners: [], link: LINK },
      { member: CAL, via: { type: 'link', value: 'cal-abc' } },
    ],
    [
      'link one millisecond outside the window',
      order({ ref: 'cal-abc', createdAt: at(30 * DAY + 1) }),
      { codeOwners: [], link: LINK },
      null,
    ],
    ['link well outside the window', order({ ref: 'cal-abc', createdAt: at(45 * DAY) }), { codeOwners: [], link: LINK }, null],
    ['click after the order', order({ ref: 'cal-abc', createdAt: at(-1) }), { codeOwners: [], link: LINK }, null],
    [
      'shorter custom window',
      order({ ref: 'cal-abc', createdAt: at(8 * DAY) }),
      { codeOwners: [], link: { ...LINK, windowDays: 7 } },
      null,
    ],
    ['no recorded click', order({ ref: 'cal-abc' }), { codeOwners: [], link: { ...LINK, lastClickAt: null } }, null],
    ['ref differs from the slug', order({ ref: 'other' }), { codeOwners: [], link: LINK }, null],
    ['no ref on the order', order({ ref: null }), { codeOwners: [], link: LINK }, null],
  ])('%s', (_name, o, known, expected) => {
    expect(attributeOrder(o, known)).toEqual(expected);
  });
});

describe('extractRef', () => {
  it.each<[string, Parameters<typeof extractRef>[0], string | null]>([
    ['relative landing_site with a path', { landingSite: '/products?ref=x' }, 'x'],
    ['relative landing_site with more params', { landingSite: '/?ref=abc&x=1' }, 'abc'],
    ['ref not first in the query', { landingSite: '/?utm_source=ig&ref=abc' }, 'abc'],
    ['absolute URL', { landingSite: 'https://shop.example.com/collections/all?utm=1&ref=ana-7#top' }, 'ana-7'],
    ['percent-encoded', { landingSite: '/?ref=ana%2D7' }, 'ana-7'],
    ['fragment is not query', { landingSite: '/#?ref=abc' }, null],
    ['landing_site without a query', { landingSite: '/products/shirt' }, null],
    ['landing_site with an empty ref', { landingSite: '/?ref=' }, null],
    ['landing_site with a blank ref', { landingSite: '/?ref=%20%20' }, null],
    ['a similarly named parameter is not ref', { landingSite: '/?referrer=abc' }, null],
    [
      'note attribute',
      {
        landingSite: null,
        noteAttributes: [
          { name: 'gift', value: 'yes' },
          { name: 'ref', value: ' ben-2 ' },
        ],
      },
      'ben-2',
    ],
    ['numeric note attribute', { noteAttributes: [{ name: 'ref', value: 12345 }] }, '12345'],
    ['non-scalar note attribute is ignored', { noteAttributes: [{ name: 'ref', value: { a: 1 } }] }, null],
    [
      'woo meta',
      {
        meta: [
          { key: '_billing', value: 'x' },
          { key: 'ref', value: 'cal-abc' },
        ],
      },
      'cal-abc',
    ],
    ['woo meta empty', { meta: [{ key: 'ref', value: '' }] }, null],
    ['landing_site wins over attributes', { landingSite: '/?ref=a', noteAttributes: [{ name: 'ref', value: 'b' }] }, 'a'],
    ['empty landing ref falls through to attributes', { landingSite: '/?ref=', noteAttributes: [{ name: 'ref', value: 'b' }] }, 'b'],
    ['everything absent', {}, null],
    ['everything null', { landingSite: null, noteAttributes: null, meta: null }, null],
    ['empty strings', { landingSite: '', noteAttributes: [{ name: 'ref', value: '   ' }], meta: [] }, null],
  ])('%s', (_name, args, expected) => {
    expect(extractRef(args)).toBe(expected);
  });
});
