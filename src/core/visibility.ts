// Who is shown where after a removal (SPEC §6). Removal hides; it never stops tracking, and the
// home dashboard and "Download all sales" count everything.

export type View = 'campaign' | 'community' | 'account';

const RULES: Readonly<Record<View, { memberRemoved: boolean; creatorRemoved: boolean }>> = {
  // A campaign's Performance tab, its Orders table and their exports.
  campaign: { memberRemoved: false, creatorRemoved: false },
  // The Community: a creator removed from a campaign is still in the Community.
  community: { memberRemoved: true, creatorRemoved: false },
  // The home dashboard and "Download all sales".
  account: { memberRemoved: true, creatorRemoved: true },
};

/** Whether a row of a member (of a campaign) and its creator is shown in `view`. */
export function isVisible(view: View, row: { memberRemoved: boolean; creatorRemoved: boolean }): boolean {
  const rule = RULES[view];
  return (rule.memberRemoved || !row.memberRemoved) && (rule.creatorRemoved || !row.creatorRemoved);
}

/**
 * isVisible as a SQL predicate over a member row `member` (null for a view without members)
 * and a creator row `creator`, each with its removed_at.
 */
export function visibleSql(view: View, aliases: { member: string | null; creator: string }): string {
  const rule = RULES[view];
  const parts = ['true'];
  if (!rule.memberRemoved) {
    if (aliases.member === null) throw new Error(`the ${view} view needs the member row`);
    parts.push(`${aliases.member}.removed_at is null`);
  }
  if (!rule.creatorRemoved) parts.push(`${aliases.creator}.removed_at is null`);
  return `(${parts.join(' and ')})`;
}
