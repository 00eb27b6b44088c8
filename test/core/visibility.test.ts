import { describe, expect, it } from 'vitest';
import { isVisible, visibleSql } from '../../src/core/visibility.ts';

describe('who is shown where after a removal (SPEC §6)', () => {
  it.each([
    ['campaign', false, false, true],
    ['campaign', true, false, false],
    ['campaign', false, true, false],
    ['community', true, false, true],
    ['community', false, true, false],
    ['account', true, true, true],
  ] as const)('%s view, member removed %s, creator removed %s: shown %s', (view, memberRemoved, creatorRemoved, shown) => {
    expect(isVisible(view, { memberRemoved, creatorRemoved })).toBe(shown);
  });

  it('writes the same rule as SQL', () => {
    expect(visibleSql('campaign', { member: 'm', creator: 'cr' })).toBe('(true and m.removed_at is null and cr.removed_at is null)');
    expect(visibleSql('community', { member: null, creator: 'cr' })).toBe('(true and cr.removed_at is null)');
    expect(visibleSql('account', { member: null, creator: 'cr' })).toBe('(true)');
    expect(() => visibleSql('campaign', { member: null, creator: 'cr' })).toThrow('the campaign view needs the member row');
  });
});
