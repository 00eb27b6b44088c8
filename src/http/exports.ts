import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type CsvDownload, downloadAllSales, downloadCampaignConversions, downloadSelectedConversions } from '../app/exports/exports.ts';
import { ZCampaignParams } from '../schemas/campaigns.ts';
import { ZError, ZRange } from '../schemas/common.ts';
import { ZConversionExportQuery, ZCsv, ZExportSelectedBody } from '../schemas/exports.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// CSV downloads (SPEC §7, §10): a campaign's selected rows or filtered Orders table, and every
// sale of the account. Exporting is a member's right (SPEC §9).

/** RFC 5987 / 8187 ext-value: UTF-8, percent-encoded beyond the attr-char set. */
const extValue = (text: string) =>
  `UTF-8''${encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

/** `attachment` with an ASCII `filename`, and `filename*` (RFC 6266) when the name is not ASCII. */
export function contentDisposition(filename: string): string {
  const ascii = filename
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+/, '');
  const fallback = ascii === '' || ascii.startsWith('.') ? 'export.csv' : ascii;
  return fallback === filename
    ? `attachment; filename="${filename}"`
    : `attachment; filename="${fallback}"; filename*=${extValue(filename)}`;
}

export function sendCsv(reply: FastifyReply, file: { filename: string; body: CsvDownload['body'] }) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', contentDisposition(file.filename))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(file.body);
}

export const exportRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, copyOut }) => {
  const tags = ['exports'];

  app.post(
    '/api/campaigns/:id/conversions/export',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: "Export the selected rows of a campaign's Orders table as CSV",
        params: ZCampaignParams,
        body: ZExportSelectedBody,
        response: { 200: ZCsv, 400: ZError, 404: ZError },
      },
    },
    async (request, reply) =>
      sendCsv(reply, await downloadSelectedConversions(db, copyOut, callerOf(request).accountId, request.params.id, request.body.ids)),
  );

  app.get(
    '/api/campaigns/:id/conversions/export',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: "Export a campaign's Orders table, as filtered, as CSV",
        params: ZCampaignParams,
        querystring: ZConversionExportQuery,
        response: { 200: ZCsv, 400: ZError, 404: ZError },
      },
    },
    async (request, reply) =>
      sendCsv(reply, await downloadCampaignConversions(db, copyOut, callerOf(request).accountId, request.params.id, request.query)),
  );

  app.get(
    '/api/sales/export',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: 'Download all sales: every conversion of every campaign in the range, as CSV',
        querystring: ZRange,
        response: { 200: ZCsv, 400: ZError },
      },
    },
    async (request, reply) => sendCsv(reply, await downloadAllSales(db, copyOut, callerOf(request).accountId, request.query)),
  );
};
