import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';

// The server's log (SPEC §9): one line per request (src/http/request-log.ts) and the server's
// own events, human-readable on a terminal and JSON lines otherwise. It holds no client
// addresses, cookies, keys, secrets or signatures: nothing logs request headers or bodies,
// and should one ever be logged, the paths below are censored.

const CENSORED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-forwarded-for"]',
  'req.headers["x-real-ip"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-wc-webhook-signature"]',
  'res.headers["set-cookie"]',
  'req.remoteAddress',
  'req.ip',
  // Credentials wherever a logged object carries them.
  ...['password', 'newPassword', 'currentPassword', 'key', 'token', 'csrfToken', 'secret', 'webhookSecret'].flatMap((k) => [k, `*.${k}`]),
  // A database error's detail quotes the row's values ("Key (email)=(…) already exists").
  'err.detail',
];

// A creator's page is opened by the token in its path (`/portal/{token}`, `/api/portal/{token}`):
// the path segment after `portal` is a credential, so a logged path never shows it.
const PORTAL_TOKEN = /^(\/(?:api\/)?portal\/)[^/]+/;

/** A path as the log may hold it: the query left off and a creator page's token censored. */
export function loggedPath(url: string): string {
  return (url.split('?')[0] ?? '').replace(PORTAL_TOKEN, '$1[redacted]');
}

/** A request as a log line names it: its method and path, never its query, headers or address. */
function requestFields(req: { method?: string; url?: string }) {
  return { method: req.method, url: req.url === undefined ? undefined : loggedPath(req.url) };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: CENSORED, censor: '[redacted]' },
    serializers: {
      req: requestFields,
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

/**
 * The server's logger, writing to `destination` (stdout by default): pretty lines when that is
 * a terminal (`terminal`, stdout's own say by default), JSON lines otherwise.
 */
export function createLogger(level: string, options: { destination?: DestinationStream; terminal?: boolean } = {}): Logger {
  const { destination, terminal = process.stdout.isTTY === true } = options;
  if (terminal)
    return pino(
      loggerOptions(level),
      pretty({ colorize: !destination, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination }),
    );
  return pino(loggerOptions(level), destination ?? pino.destination(1));
}
