import { z } from 'zod';
import { ZId } from './common.ts';
import { ZConversionListQuery } from './conversions.ts';

// CSV exports of conversions (SPEC §7, §10): selected rows, a campaign's filtered Orders
// table, and every sale of the account.

export const EXPORT_IDS_MAX = 10_000;

export const ZExportSelectedBody = z.object({
  ids: z
    .array(ZId)
    .min(1, 'select at least one conversion')
    .max(EXPORT_IDS_MAX, `at most ${EXPORT_IDS_MAX} conversions per export`)
    .describe("conversion ids; ids that are not this campaign's visible conversions are skipped"),
});

/** The Orders table's filters, without its paging. */
export const ZConversionExportQuery = ZConversionListQuery.omit({ limit: true, cursor: true });

export const EXPORT_COLUMNS = [
  'Order ID',
  'Order Number',
  'Order Date',
  'Campaign Name',
  'Creator',
  'Code or Link',
  'Status',
  'Approval',
  'Amount',
  'Currency',
  'Converted Amount',
  'Default Currency',
  'Commission',
] as const;

// Documents the body of a CSV answer; the route streams it, so this schema never serialises.
export const csvSchema = (columns: readonly string[], order: string) =>
  z.string().meta({
    description: `CSV (RFC 4180), UTF-8 with a byte order mark, CRLF line ends, ${order}; header: ${columns.join(',')}`,
    content: { 'text/csv': { schema: { type: 'string' } } },
  });

export const ZCsv = csvSchema(EXPORT_COLUMNS, 'newest first');
