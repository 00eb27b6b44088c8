import { isIP } from 'node:net';
import { z } from 'zod';

/** proxy-addr's names for ranges, allowed in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isProxyEntry = (entry: string) => {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

// Which peers may say who the client is (X-Forwarded-For / -Proto): none by default, the
// nearest N hops, or the proxies at these addresses. `true` is refused: it would let any
// client choose its own address.
const ZTrustProxy = z.string().transform((v, ctx): number | string[] => {
  const value = v.trim();
  if (/^\d{1,3}$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  const wrong = entries.filter((e) => !isProxyEntry(e));
  if (wrong.length === 0) return entries;
  const what =
    value === 'true'
      ? '"true" would let any client choose its own address'
      : `${wrong.map((e) => JSON.stringify(e)).join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not a hop count, an IP address, a CIDR ` +
        '(such as 10.0.0.0/8) or one of loopback, linklocal, uniquelocal';
  ctx.addIssue({
    code: 'custom',
    message: `${what}; give the number of proxies in front of Tally (such as 1) or a comma-separated list of their addresses`,
  });
  return z.NEVER;
});

// Configuration comes from the environment only (SPEC §10).
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  TALLY_DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.string().url().optional(),
  TALLY_DEMO: z.enum(['0', '1']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: ZTrustProxy.optional(),
  TALLY_METRICS_TOKEN: z.string().min(16, 'TALLY_METRICS_TOKEN must be at least 16 characters').optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  demo: boolean;
  logLevel: string;
  /** false: X-Forwarded-* is ignored; a number: that many proxy hops; a list: proxies' addresses. */
  trustProxy: false | number | string[];
  /** When set, GET /metrics asks for it as a bearer token; when not, /metrics is open like /healthz. */
  metricsToken: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.TALLY_DATA_DIR,
    publicUrl: (e.PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/+$/, ''),
    // The demo seeds only the embedded database unless asked for explicitly.
    demo: e.DATABASE_URL ? e.TALLY_DEMO === '1' : e.TALLY_DEMO !== '0',
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY === undefined || e.TRUST_PROXY === 0 ? false : e.TRUST_PROXY,
    metricsToken: e.TALLY_METRICS_TOKEN,
  };
}
