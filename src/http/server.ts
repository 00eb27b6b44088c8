import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { fastifySSE as sse } from '@fastify/sse';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { AccessWatch } from '../app/accounts/access-watch.ts';
import { AppError, ERRORS } from '../app/errors.ts';
import { ConversionEvents } from '../app/events/events.ts';
import { DeliveryBatcher } from '../app/inbox/delivery-batcher.ts';
import { DeliveryProcessor } from '../app/inbox/delivery-processor.ts';
import { ServerMetrics } from '../app/operations/metrics.ts';
import { HOLD_SWEEP_MS, sweepStaleHolds } from '../app/payouts/hold-sweep.ts';
import { isDatabaseAway } from '../db/outage.ts';
import { registerAuthentication } from './auth.ts';
import { eventRoutes } from './events.ts';
import { operationsRoutes } from './operations.ts';
import { trustProxyOption } from './proxy.ts';
import { logRequests } from './request-log.ts';
import { routes } from './routes.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import type { ServerDeps } from './server-deps.ts';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from './session-cookie.ts';
import { webRoutes } from './web.ts';

const BODY_LIMIT = 1024 * 1024;

/** PostgreSQL's numeric_value_out_of_range: a value beyond bigint (or numeric) where it is written. */
const isFigureOutOfRange = (error: unknown) => (error as { code?: unknown } | null)?.code === '22003';
const FIGURE_OUT_OF_RANGE =
  'A figure this would write (an amount converted at its rate, or a total of amounts) ' +
  'is beyond what the ledger holds; nothing was changed.';
/** The session cookie's description in the OpenAPI document. */
const SESSION_COOKIE_NOTE =
  `${SESSION_COOKIE} over http, ${SECURE_SESSION_COOKIE} over https ` + "(PUBLIC_URL, or a trusted proxy's X-Forwarded-Proto).";
/** Seconds a client is asked to wait before sending again what met the database away. */
const RETRY_AFTER_S = 5;

declare module 'fastify' {
  interface FastifyInstance {
    /** Applies stored deliveries to the ledger; `settle()` waits until none it can take is pending. */
    deliveries: DeliveryProcessor;
    /** This server's figures for GET /metrics. */
    metrics: ServerMetrics;
  }
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: typeof deps.logger === 'object' ? deps.logger : undefined,
    logger: typeof deps.logger === 'boolean' ? deps.logger : undefined,
    // One line per request, written by logRequests without the client's address.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // X-Forwarded-* is believed only from the proxies TRUST_PROXY names (off by default).
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // Event streams never go idle on their own: close every connection on shutdown.
    forceCloseConnections: true,
  });
  logRequests(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    if ((error instanceof AppError && error.code === 'unavailable') || isDatabaseAway(error)) {
      // The database is away (a restart, a failover): the request changed nothing and
      // succeeds once it is back; stores and clients send it again.
      if (!(error instanceof AppError)) request.log.warn({ code: (error as { code?: string }).code }, 'the database is away');
      reply.header('retry-after', String(RETRY_AFTER_S));
      return reply.status(503).send({ error: { code: 'unavailable', message: ERRORS.unavailable.message } });
    }
    if (error instanceof AppError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
    }
    if (isFigureOutOfRange(error)) {
      // Every amount is refused beyond 10^12 where it enters, but a figure made of several can
      // still pass int8: an amount converted at an extreme rate, or a day's total of many huge
      // amounts. The database finds it, the request's transaction is rolled back, nothing is
      // kept: the request is refused like an amount that does not fit (SPEC §8).
      // The code and where, never the message: it can quote the amount.
      const { code, table, column } = error as { code?: string; table?: string; column?: string };
      request.log.warn({ code, table, column }, 'a figure beyond what the ledger holds');
      return reply.status(422).send({ error: { code: 'invalid_amount', message: FIGURE_OUT_OF_RANGE } });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const detail = error.validation
        .map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || v.params?.issue?.path?.join('.') || 'body'}: ${v.message}`)
        .join('; ');
      return reply
        .status(400)
        .send({ error: { code: 'invalid_input', message: `${error.validationContext ?? 'request'} is invalid: ${detail}` } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413) return reply.status(413).send({ error: { code: 'payload_too_large', message: ERRORS.payload_too_large.message } });
    if (status === 429) return reply.status(429).send({ error: { code: 'rate_limited', message: ERRORS.rate_limited.message } });
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, wrong content type): the message is safe.
      return reply.status(status).send({ error: { code: 'invalid_input', message: (error as Error).message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: ERRORS.internal.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } }),
  );

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerSecurityHeaders(app, deps.config.publicUrl);
  // Heartbeats keep proxies from closing idle event streams.
  await app.register(sse, { heartbeatInterval: deps.heartbeatMs ?? 15_000 });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tally API', version: '1.0.0', description: 'Creator sales, attributed and counted.' },
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: deps.config.publicUrl.startsWith('https://') ? SECURE_SESSION_COOKIE : SESSION_COOKIE,
            description: SESSION_COOKIE_NOTE,
          },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  registerAuthentication(app, deps.db, deps.config.publicUrl);

  const events = new ConversionEvents(deps.db, deps.listen);
  const metrics = new ServerMetrics({ db: deps.db, openStreams: () => events.openStreams(), poolUse: deps.poolUse });
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    // An event stream's answer lasts as long as the stream: not a latency.
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
    metrics.request(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onReady', () => events.start());
  app.addHook('onClose', () => events.stop());
  const access = new AccessWatch(deps.db, deps.listen, { onError: (error) => app.log.error({ err: error }, 'checking access failed') });
  app.addHook('onReady', () => access.start());
  app.addHook('onClose', () => access.stop());
  // Stored deliveries are applied right after each group commit, in this process.
  const processor = new DeliveryProcessor(deps.db, {
    workers: deps.processorWorkers,
    retry: deps.deliveryRetry,
    inboxStored: () => batcher.storedTotal(),
    log: app.log,
    onError: (error) =>
      isDatabaseAway(error)
        ? app.log.warn({ code: (error as { code?: string }).code }, 'the database is away; stored deliveries wait for it')
        : app.log.error({ err: error }, 'applying stored deliveries failed'),
    onSettled: (settled) => metrics.settled(settled),
  });
  const batcher = new DeliveryBatcher(deps.db, { onStored: () => processor.wake() });
  app.decorate('deliveries', processor);
  await app.register(routes, { ...deps, batcher });
  await app.register(eventRoutes, { ...deps, events, access });
  await app.register(operationsRoutes, { ...deps, metrics, processor });
  await app.register(webRoutes);

  const every = deps.sweepIntervalMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  // Commission whose hold ended is moved into the stored amounts due (app/payouts/hold-sweep.ts).
  let holdTimer: NodeJS.Timeout | undefined;
  const sweepHolds = () =>
    void sweepStaleHolds(deps.db, new Date()).catch((error: unknown) =>
      isDatabaseAway(error)
        ? app.log.warn({ code: (error as { code?: string }).code }, 'the database is away; amounts due are swept when it is back')
        : app.log.error({ err: error }, 'sweeping amounts due failed'),
    );
  app.addHook('onReady', async () => {
    processor.wake();
    if (every > 0) timer = setInterval(() => processor.wake(), every).unref();
    holdTimer = setInterval(sweepHolds, HOLD_SWEEP_MS).unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    clearInterval(holdTimer);
    await batcher.flushed();
    await processor.stop();
  });
  return app;
}
