import type { Db } from '../../db/connect.ts';
import type { Principal } from '../accounts/credentials.ts';
import { createAdjustment } from '../payouts/adjustments.ts';
import { authorizePayouts, markPaid } from '../payouts/payouts.ts';

// Some payouts history for the demo, so Payments shows every state: two creators paid last
// month (by bank and by PayPal), one payout waiting to be paid, and a bonus in an amount due.
// Made through the payouts use cases, as an admin would.

const DAY_MS = 86_400_000;

export async function seedDemoPayouts(db: Db, accountId: string, actor: string, creatorIds: readonly string[], now: Date): Promise<void> {
  const admin: Principal = { accountId, role: 'admin', actor, kind: 'session', csrfToken: null, userId: null, credentialHash: '' };
  const [first, second, third, fourth] = creatorIds;
  if (!first || !second || !third || !fourth) return;
  // Authorized as of 40 days ago: what was payable then.
  const lastMonth = new Date(now.getTime() - 40 * DAY_MS);
  const paid = await authorizePayouts(db, admin, { creatorIds: [first, second], note: 'Monthly payout' }, lastMonth);
  const methods = [
    { method: 'bank', reference: 'SEPA-2026-0142' },
    { method: 'paypal', reference: 'PP-7K31-90QX' },
  ] as const;
  for (const [i, payout] of paid.entries()) {
    const paidAt = new Date(lastMonth.getTime() + (i + 2) * DAY_MS).toISOString();
    await markPaid(db, admin, payout.id, { ...methods[i % methods.length]!, paidAt });
  }
  await authorizePayouts(db, admin, { creatorIds: [third], note: 'Monthly payout' }, now);
  await createAdjustment(db, admin, fourth, { amount: { value: '50.00', currency: 'EUR' }, reason: 'Bonus for the launch video' });
}
