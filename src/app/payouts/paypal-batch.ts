import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { neutralizeCell } from '../../core/csv-cell.ts';
import { formatMoney } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import { PAYPAL_BATCH_ROWS_MAX } from '../../schemas/payouts.ts';
import { AppError } from '../errors.ts';

// Pending payouts as a PayPal "Payouts Web" upload file (SPEC §11). PayPal documents the file
// by its example rows: no header row, one payout a line, LF line ends, one currency per file,
// at most 5,000 rows. The columns, in PayPal's order:
//   1 recipient: the creator's PayPal e-mail
//   2 amount: a dot decimal with the currency's ISO 4217 digits ("100.50"; PayPal's example
//     writes "100.5", and a comma decimal quoted)
//   3 currency: the payout's, three capitals
//   4 Customer ID (at most 30 characters): the payout's id, to match PayPal's report to payouts
//   5 note to the recipient: the payout's note, or "Payout {id} from {account name}"
//   6 wallet: PAYPAL
// No other column is written: the later ones are Venmo's. Cells are quoted as RFC 4180 quotes
// them (a comma, a quote or a line break), and neutralised against formulas like every export;
// a PayPal e-mail beginning like a formula was refused when it was saved.

export interface PaypalBatch {
  filename: string;
  body: Readable;
  currency: string;
  part: number;
  /** How many files the pending payouts in this currency take. */
  parts: number;
  /** Pending payouts in this currency of creators without a PayPal e-mail: not in the file. */
  skippedNoPaypal: number;
  /** Other currencies that have pending payouts (after a change of default currency), in code order. */
  otherCurrencies: string[];
}

export async function paypalBatch(
  db: Db,
  accountId: string,
  input: { currency?: string | undefined; part?: string | undefined },
): Promise<PaypalBatch> {
  const account = await db
    .selectFrom('accounts')
    .select(['name', 'default_currency'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const currency = input.currency ?? account.default_currency;
  const part = Number(input.part ?? '1');

  const { rows: counts } = await sql<{ currency: string; payable: string; skipped: string }>`
    select p.currency, count(*) filter (where r.paypal_email is not null)::text as payable,
           count(*) filter (where r.paypal_email is null)::text as skipped
    from payouts p join creators r on r.account_id = p.account_id and r.id = p.creator_id
    where p.account_id = ${accountId} and p.status = 'pending'
    group by p.currency order by p.currency`.execute(db);
  const mine = counts.find((c) => c.currency === currency);
  const payable = Number(mine?.payable ?? 0);
  const parts = Math.max(1, Math.ceil(payable / PAYPAL_BATCH_ROWS_MAX));
  if (part > parts) {
    throw new AppError('invalid_input', `part ${part} is past the last: the pending payouts in ${currency} take ${parts} file(s).`);
  }

  const rows = await db
    .selectFrom('payouts as p')
    .innerJoin('creators as r', (j) => j.onRef('r.account_id', '=', 'p.account_id').onRef('r.id', '=', 'p.creator_id'))
    .select(['p.id', 'p.amount_minor', 'p.currency', 'p.note', 'r.paypal_email'])
    .where('p.account_id', '=', accountId)
    .where('p.status', '=', 'pending')
    .where('p.currency', '=', currency)
    .where('r.paypal_email', 'is not', null)
    .orderBy('p.id')
    .offset((part - 1) * PAYPAL_BATCH_ROWS_MAX)
    .limit(PAYPAL_BATCH_ROWS_MAX)
    .execute();
  const records = rows.map((r) => [
    neutralizeCell(r.paypal_email ?? ''),
    formatMoney(BigInt(r.amount_minor), r.currency),
    r.currency,
    r.id,
    neutralizeCell(r.note ?? `Payout ${r.id} from ${account.name}`),
    'PAYPAL',
  ]);
  // quote_record_delimiter: a line break inside a note is quoted, never a record of its own.
  const text = stringify(records, { record_delimiter: 'unix', quote_record_delimiter: true });
  return {
    filename: `paypal-payouts-${currency}-part-${part}-of-${parts}.csv`,
    body: Readable.from([Buffer.from(text, 'utf8')]),
    currency,
    part,
    parts,
    skippedNoPaypal: Number(mine?.skipped ?? 0),
    otherCurrencies: counts.map((c) => c.currency).filter((c) => c !== currency),
  };
}
