import { describe, expect, it } from 'vitest';
import { type Approval, ApprovalError, approvalLabel, transitionApproval } from '../../src/core/approval.ts';

describe('transitionApproval', () => {
  it.each<[Approval, 'reject' | 'approve', Approval]>([
    ['approved', 'reject', 'rejected'],
    ['rejected', 'approve', 'approved'],
  ])('%s + %s → %s', (current, action, expected) => {
    expect(transitionApproval(current, action)).toBe(expected);
  });

  it.each<[Approval, 'reject' | 'approve', 'already_rejected' | 'already_approved']>([
    ['rejected', 'reject', 'already_rejected'],
    ['approved', 'approve', 'already_approved'],
  ])('%s + %s → ApprovalError %s', (current, action, code) => {
    let caught: unknown;
    try {
      transitionApproval(current, action);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ApprovalError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as ApprovalError).code).toBe(code);
  });
});

describe('approvalLabel', () => {
  it.each<[Approval, string]>([
    ['approved', 'Approved'],
    ['rejected', 'Rejected'],
  ])('%s → %s', (approval, label) => {
    expect(approvalLabel(approval)).toBe(label);
  });
});
