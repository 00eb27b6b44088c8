import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../app/errors.ts';
import { addRate, importRates, ratesInEffect } from '../app/fx/fx-rates.ts';
import { ZError } from '../schemas/common.ts';
import { ZImportReply, ZRateAdded, ZRateBody, ZRatesQuery, ZRatesReply } from '../schemas/fx-rates.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

const FILE_TYPES = ['application/zip', 'application/octet-stream', 'text/csv', 'application/xml', 'text/xml'];
const FILE_LIMIT = 32 * 1024 * 1024;

export const fxRateRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db }) => {
  // ECB files arrive as the raw file body; this parser lives only in this plugin.
  app.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: FILE_LIMIT }, (_request, body, done) => done(null, body));

  app.post(
    '/api/fx-rates',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['fx rates'],
        description: 'Adds a reference rate for this account: units of `currency` per 1 EUR on `date`.',
        body: ZRateBody,
        response: { 201: ZRateAdded, 422: ZError },
      },
    },
    async (request, reply) => {
      const { currency, date, perEur } = request.body;
      const { refigured } = await addRate(db, callerOf(request).accountId, { currency, day: date, perEur });
      return reply.status(201).send({ currency, date, perEur, refigured });
    },
  );

  app.post(
    '/api/fx-rates/import',
    {
      onRequest: requireRole('admin'),
      bodyLimit: FILE_LIMIT,
      schema: {
        tags: ['fx rates'],
        description: "Imports an ECB reference-rate file (eurofxref CSV, XML or zip, sent as the raw body) as this account's rates.",
        response: { 200: ZImportReply, 422: ZError },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError('invalid_fx_file', `Send the file itself as the body, with Content-Type ${FILE_TYPES.join(', ')}.`);
      }
      return importRates(db, callerOf(request).accountId, new Uint8Array(request.body));
    },
  );

  app.get(
    '/api/fx-rates',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags: ['fx rates'],
        description: 'The rate in effect for every known currency on a day (default: today, UTC).',
        querystring: ZRatesQuery,
        response: { 200: ZRatesReply },
      },
    },
    async (request) => {
      const date = request.query.date ?? new Date().toISOString().slice(0, 10);
      return { date, items: await ratesInEffect(db, callerOf(request).accountId, date) };
    },
  );
};
