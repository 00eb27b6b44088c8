// The brand's review of a conversion (SPEC §2). Independent of the store status by design:
// nothing here reads or writes it.

export type Approval = 'approved' | 'rejected';
export type ApprovalAction = 'reject' | 'approve';

export class ApprovalError extends Error {
  readonly code: 'already_rejected' | 'already_approved';

  constructor(code: 'already_rejected' | 'already_approved') {
    super(code === 'already_rejected' ? 'conversion is already rejected' : 'conversion is already approved');
    this.name = 'ApprovalError';
    this.code = code;
  }
}

/**
 * The only way approval changes. A no-op transition is an error rather than silently
 * accepted so two colleagues clicking Reject at once get a 409 and the audit log never holds
 * an entry whose `from` equals its `to`.
 */
export function transitionApproval(current: Approval, action: ApprovalAction): Approval {
  if (action === 'reject') {
    if (current === 'rejected') throw new ApprovalError('already_rejected');
    return 'rejected';
  }
  if (current === 'approved') throw new ApprovalError('already_approved');
  return 'approved';
}

export const APPROVAL_LABELS = {
  approved: 'Approved',
  rejected: 'Rejected',
} as const satisfies Record<Approval, string>;

export function approvalLabel(a: Approval): 'Approved' | 'Rejected' {
  return APPROVAL_LABELS[a];
}
