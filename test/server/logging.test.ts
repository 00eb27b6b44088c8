import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { describe, expect, it } from 'vitest';
import { logRequests } from '../../src/http/request-log.ts';
import { createLogger } from '../../src/logging.ts';

// The server's logger (src/logging.ts): what it censors should anything log it, and its two
// formats. The whole server's log is searched by logs.test.ts.

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return { lines, destination };
}
const settled = () => new Promise((r) => setTimeout(r, 20));

describe('the server logger', () => {
  it('writes a request as its method and path only, and censors credentials wherever they are', async () => {
    const { lines, destination } = capture();
    const log = createLogger('info', { destination, terminal: false });
    log.info(
      {
        req: {
          method: 'GET',
          url: '/api/portal/secret-token?email=ann@example.com',
          remoteAddress: '203.0.113.5',
          headers: { authorization: 'Bearer tly_1_secret', cookie: 'tally_session=1.secret', 'x-forwarded-for': '203.0.113.5' },
        },
      },
      'in',
    );
    log.info({ password: 'hunter2-password', body: { webhookSecret: 'shpss_secret', key: 'tly_2_secret' } }, 'body');
    log.error(
      { err: Object.assign(new Error('duplicate key value'), { detail: 'Key (email)=(ann@example.com) already exists.' }) },
      'failed',
    );
    await settled();
    const [request, body, failed] = lines.map((l) => JSON.parse(l));
    expect(request.req).toEqual({ method: 'GET', url: '/api/portal/[redacted]' });
    expect(body.password).toBe('[redacted]');
    expect(body.body).toEqual({ webhookSecret: '[redacted]', key: '[redacted]' });
    expect(failed.err.message).toBe('duplicate key value');
    expect(failed.err.detail).toBe('[redacted]');
    expect(lines.join('\n')).not.toMatch(/secret|hunter2|ann@example|203\.0\.113/);
  });

  it('is pretty on a terminal and JSON lines otherwise', async () => {
    const json = capture();
    createLogger('info', { destination: json.destination, terminal: false }).info({ store: '7' }, 'a delivery was kept');
    const pretty = capture();
    createLogger('info', { destination: pretty.destination, terminal: true }).info({ store: '7' }, 'a delivery was kept');
    await settled();
    expect(JSON.parse(json.lines[0]!)).toMatchObject({ level: 30, store: '7', msg: 'a delivery was kept' });
    expect(pretty.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: a delivery was kept$/);
    expect(pretty.lines[1]).toBe('    store: "7"');
  });

  it('gives a Fastify server one line per request, without the query string, the address or the headers', async () => {
    const { lines, destination } = capture();
    // buildServer's wiring on a bare server: the request log, and none of Fastify's own.
    const app = Fastify({
      loggerInstance: createLogger('info', { destination, terminal: false }) as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
    });
    logRequests(app);
    app.get('/r/:slug', async () => 'ok');
    await app.inject({
      method: 'GET',
      url: '/r/abc?token=query-secret',
      headers: { 'x-forwarded-for': '203.0.113.5', cookie: 'tally_session=secret' },
    });
    await app.inject({ method: 'GET', url: '/missing?token=query-secret' });
    // A creator page's token is in its path: a request no route took still never shows it.
    await app.inject({ method: 'GET', url: '/portal/path-secret-token/more' });
    await app.inject({ method: 'GET', url: '/api/portal/path-secret-token?cursor=x' });
    await app.close();
    await settled();
    expect(lines.map((l) => JSON.parse(l)).map(({ msg, method, url, status }) => ({ msg, method, url, status }))).toEqual([
      { msg: 'request', method: 'GET', url: '/r/:slug', status: 200 },
      { msg: 'request', method: 'GET', url: '/missing', status: 404 },
      { msg: 'request', method: 'GET', url: '/portal/[redacted]/more', status: 404 },
      { msg: 'request', method: 'GET', url: '/api/portal/[redacted]', status: 404 },
    ]);
    expect(lines.join('\n')).not.toMatch(/secret|203\.0\.113|127\.0\.0\.1/);
  });
});
