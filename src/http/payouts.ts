import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../app/errors.ts';
import { createAdjustment, listAdjustments } from '../app/payouts/adjustments.ts';
import { listAudit } from '../app/payouts/audit.ts';
import { campaignAmountsDue } from '../app/payouts/campaign-due.ts';
import { downloadPayoutLines, downloadPayouts } from '../app/payouts/payout-exports.ts';
import { amountsDue, authorizePayouts, cancelPayout, creatorAmountDue, getPayout, listPayouts, markPaid } from '../app/payouts/payouts.ts';
import { paypalBatch } from '../app/payouts/paypal-batch.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import { csvSchema } from '../schemas/exports.ts';
import {
  PAYOUT_EXPORT_COLUMNS,
  PAYOUT_LINE_EXPORT_COLUMNS,
  PAYPAL_BATCH_ROWS_MAX,
  ZAdjustment,
  ZAdjustmentBody,
  ZAdjustmentList,
  ZAuditList,
  ZAuthorizeBody,
  ZDue,
  ZDueQuery,
  ZPaidBody,
  ZPayout,
  ZPayoutDetail,
  ZPayoutExportQuery,
  ZPayoutList,
  ZPayoutListQuery,
  ZPayoutPage,
  ZPaypalBatchQuery,
  ZPaypalFile,
} from '../schemas/payouts.ts';
import { callerOf, requireRole } from './auth.ts';
import { sendCsv } from './exports.ts';
import type { ServerDeps } from './server-deps.ts';

// Paying creators (SPEC §10, Payouts): viewers and members read; members also export (as with
// every export, SPEC §9); only admins authorize, mark paid, cancel and adjust, and read the
// audit log.
export const payoutRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db }) => {
  const tags = ['payouts'];
  const errors = { 404: ZError, 409: ZError, 422: ZError };

  app.get(
    '/api/payouts/due',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description:
          "Each creator's on hold, payable, adjustments and amount due, now, and the totals; paged when `limit` is given. With " +
          "`campaignId`, the same for that campaign's conversions alone, unpaged: adjustments are then only the clawbacks of its " +
          'conversions, as bonuses and deductions made by hand belong to no campaign. With `creatorId`, that creator alone ' +
          '(their totals are their figures), unpaged; 404 for an unknown creator or one of another account.',
        querystring: ZDueQuery,
        response: { 200: ZDue, 400: ZError, 404: ZError },
      },
    },
    async (request) => {
      const { accountId } = callerOf(request);
      const { campaignId, creatorId, ...page } = request.query;
      const paged = page.limit !== undefined || page.cursor !== undefined;
      if (campaignId !== undefined && creatorId !== undefined)
        throw new AppError('invalid_input', 'Give campaignId or creatorId, not both.');
      if (campaignId !== undefined) {
        if (paged) throw new AppError('invalid_input', "A campaign's amounts due come in one answer: leave out limit and cursor.");
        return campaignAmountsDue(db, accountId, campaignId, new Date());
      }
      if (creatorId !== undefined) {
        if (paged) throw new AppError('invalid_input', "A creator's amount due comes in one answer: leave out limit and cursor.");
        return creatorAmountDue(db, accountId, creatorId, new Date());
      }
      return amountsDue(db, accountId, new Date(), page);
    },
  );

  app.post(
    '/api/payouts',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description:
          'Authorizes one pending payout per creator (the given ones, or every one) whose amount due is positive and at least ' +
          '`minimum`. A negative balance is carried forward: no payout is made for it.',
        body: ZAuthorizeBody,
        response: { 201: ZPayoutList, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send({ items: await authorizePayouts(db, callerOf(request), request.body, new Date()) }),
  );

  app.get(
    '/api/payouts',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description: 'Payouts newest first; paged when `limit` is given.',
        querystring: ZPayoutListQuery,
        response: { 200: ZPayoutPage, 400: ZError },
      },
    },
    async (request) => listPayouts(db, callerOf(request).accountId, request.query),
  );

  app.get(
    '/api/payouts/export',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: 'The payouts as CSV for accounting: one record per payout, newest first',
        description:
          'Filters: `status`, `creatorId`, and `from`/`to` on when a payout was authorized. Dates are written in the ' +
          "account's time zone (`YYYY-MM-DD HH:MM:SS`); amounts in the payout's currency with its digits; `Lines` counts " +
          "the payout's lines.",
        querystring: ZPayoutExportQuery,
        response: { 200: csvSchema(PAYOUT_EXPORT_COLUMNS, 'newest payout first'), 400: ZError },
      },
    },
    async (request, reply) => sendCsv(reply, await downloadPayouts(db, callerOf(request).accountId, request.query)),
  );

  app.get(
    '/api/payouts/lines/export',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: 'The payouts’ lines as CSV: one record per order or adjustment a payout pays',
        description:
          "The same filters as /api/payouts/export. `Line Type` is `order` (with the order's id, number, date and campaign) or " +
          '`adjustment` (with its reason, and for a clawback the order it is for); `Amount` is what the payout pays for the ' +
          'line, frozen when it was authorized.',
        querystring: ZPayoutExportQuery,
        response: { 200: csvSchema(PAYOUT_LINE_EXPORT_COLUMNS, 'newest payout first, its lines in order'), 400: ZError },
      },
    },
    async (request, reply) => sendCsv(reply, await downloadPayoutLines(db, callerOf(request).accountId, request.query)),
  );

  app.get(
    '/api/payouts/paypal-batch',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: 'Pending payouts as a PayPal Payouts Web upload file (CSV)',
        description:
          'The pending payouts in one currency (`currency`, the default currency when absent) of creators with a PayPal ' +
          'e-mail, oldest first, in the file PayPal documents for Payouts Web: no header row, LF line ends, columns ' +
          'recipient e-mail, amount (dot decimal, the currency’s digits), currency, Customer ID (the payout id), ' +
          'note to the recipient (the payout’s note, or "Payout {id} from {account}"), `PAYPAL`. PayPal takes ' +
          `${PAYPAL_BATCH_ROWS_MAX} rows a file: \`part\` (from 1) picks the file, and \`Tally-Parts\` says how many there are. ` +
          '`Tally-Skipped-No-Paypal` counts the pending payouts in this currency left out because their creator has no PayPal ' +
          'e-mail (`GET /api/payouts?status=pending&paypalEmail=missing` lists them); `Tally-Other-Currencies` names the other ' +
          'currencies with pending payouts (a payout keeps the currency it was authorized in), comma-separated, empty when none.',
        querystring: ZPaypalBatchQuery,
        response: { 200: ZPaypalFile, 400: ZError },
      },
    },
    async (request, reply) => {
      const batch = await paypalBatch(db, callerOf(request).accountId, request.query);
      reply
        .header('tally-parts', String(batch.parts))
        .header('tally-skipped-no-paypal', String(batch.skippedNoPaypal))
        .header('tally-other-currencies', batch.otherCurrencies.join(','));
      return sendCsv(reply, batch);
    },
  );

  app.get(
    '/api/payouts/audit',
    {
      onRequest: requireRole('admin'),
      schema: { tags, description: 'Who authorized, paid, canceled and adjusted, and when; newest first.', response: { 200: ZAuditList } },
    },
    async (request) => ({ items: await listAudit(db, callerOf(request).accountId) }),
  );

  app.get(
    '/api/payouts/:id',
    { onRequest: requireRole('viewer'), schema: { tags, params: ZIdParams, response: { 200: ZPayoutDetail, 404: ZError } } },
    async (request) => getPayout(db, callerOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/payouts/:id/paid',
    { onRequest: requireRole('admin'), schema: { tags, params: ZIdParams, body: ZPaidBody, response: { 200: ZPayout, ...errors } } },
    async (request) => markPaid(db, callerOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/payouts/:id/cancel',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: 'Cancels a pending payout: what it paid is in the amount due again.',
        params: ZIdParams,
        response: { 200: ZPayout, ...errors },
      },
    },
    async (request) => cancelPayout(db, callerOf(request), request.params.id),
  );

  app.post(
    '/api/creators/:id/adjustments',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: 'A bonus (positive) or a deduction (negative) in the default currency; it enters the amount due.',
        params: ZIdParams,
        body: ZAdjustmentBody,
        response: { 201: ZAdjustment, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await createAdjustment(db, callerOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/creators/:id/adjustments',
    { onRequest: requireRole('viewer'), schema: { tags, params: ZIdParams, response: { 200: ZAdjustmentList, 404: ZError } } },
    async (request) => ({ items: await listAdjustments(db, callerOf(request).accountId, request.params.id) }),
  );
};
