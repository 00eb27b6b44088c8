import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// SPEC §9, headers and the session cookie: every answer carries the content security policy
// and its companions, the API's are never stored, HSTS and a Secure __Host- cookie come with
// https — a public address in https, or a trusted proxy saying so.

const PASSWORD = 'correct horse battery';
const CSP =
  "default-src 'self';base-uri 'self';form-action 'self';frame-ancestors 'none';object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self'";

describeDb('security headers and the session cookie', () => {
  let http: TestApp; // PUBLIC_URL http://tally.test, no proxy trusted
  let https: TestApp; // PUBLIC_URL https://tally.test
  let proxied: TestApp; // PUBLIC_URL http://tally.test, TRUST_PROXY=1
  beforeAll(async () => {
    http = await startTestApp();
    https = await startTestApp({ env: { PUBLIC_URL: 'https://tally.test' } });
    proxied = await startTestApp({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await http?.close();
    await https?.close();
    await proxied?.close();
  });

  const headersOf = (res: LightMyRequestResponse) => ({
    csp: res.headers['content-security-policy'],
    nosniff: res.headers['x-content-type-options'],
    referrer: res.headers['referrer-policy'],
    frame: res.headers['x-frame-options'],
    hsts: res.headers['strict-transport-security'],
  });
  const secured = (hsts: string | undefined) => ({ csp: CSP, nosniff: 'nosniff', referrer: 'no-referrer', frame: 'DENY', hsts });

  it('sends the policy on the dashboard, its client routes and the API; HSTS only over https', async () => {
    for (const url of ['/', '/campaigns/1', '/api/account', '/api/openapi.json', '/healthz', '/r/zzzzzzzz', '/api/nothing']) {
      expect([url, headersOf(await http.app.inject({ method: 'GET', url }))]).toEqual([url, secured(undefined)]);
      expect([url, headersOf(await https.app.inject({ method: 'GET', url }))]).toEqual([url, secured('max-age=31536000')]);
    }
    // Over a trusted proxy, its X-Forwarded-Proto says whether the client uses https; without
    // TRUST_PROXY the header is not believed.
    const viaProxy = (t: TestApp, proto: string) =>
      t.app.inject({ method: 'GET', url: '/api/account', headers: { 'x-forwarded-proto': proto } });
    expect(headersOf(await viaProxy(proxied, 'https')).hsts).toBe('max-age=31536000');
    expect(headersOf(await viaProxy(proxied, 'http')).hsts).toBeUndefined();
    expect(headersOf(await viaProxy(http, 'https')).hsts).toBeUndefined();
  });

  it('marks every API answer no-store, errors included, and leaves the dashboard its own caching', async () => {
    const { admin } = await newAccount(http.app);
    expect((await admin.get('/api/account')).headers['cache-control']).toBe('no-store');
    const answers = await Promise.all([
      http.app.inject({ method: 'GET', url: '/api/account' }), // 401
      http.app.inject({ method: 'GET', url: '/api/nothing-here' }), // 404
      http.app.inject({ method: 'POST', url: '/api/login', payload: { email: 'x' } }), // 400
      http.app.inject({ method: 'GET', url: '/api/openapi.json' }), // 200
    ]);
    expect(answers.map((r) => [r.statusCode, r.headers['cache-control']])).toEqual([
      [401, 'no-store'],
      [404, 'no-store'],
      [400, 'no-store'],
      [200, 'no-store'],
    ]);
    // Outside /api the routes keep their own: the dashboard's page (when web/dist is built) is
    // revalidated, a missing asset and the health check say nothing. Built assets keep a year:
    // test/browser/content-security.test.ts.
    const page = await http.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['cache-control']).toBe(page.statusCode === 200 ? 'no-cache' : undefined);
    const missing = await http.app.inject({ method: 'GET', url: '/assets/missing-0000.js' });
    expect([missing.statusCode, missing.headers['cache-control']]).toEqual([404, undefined]);
    expect((await http.app.inject({ method: 'GET', url: '/healthz' })).headers['cache-control']).toBeUndefined();
  });

  const signIn = (t: TestApp, email: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/login', headers, payload: { email, password: PASSWORD } });
  const cookieOf = (res: LightMyRequestResponse) => {
    expect(res.cookies).toHaveLength(1);
    const { name, secure, httpOnly, sameSite, path, domain } = res.cookies[0]!;
    return { name, secure: secure ?? false, httpOnly, sameSite, path, domain };
  };
  const plain = { name: 'tally_session', secure: false, httpOnly: true, sameSite: 'Lax', path: '/', domain: undefined };
  const hostOnly = { name: '__Host-tally_session', secure: true, httpOnly: true, sameSite: 'Lax', path: '/', domain: undefined };

  it('sets a plain cookie over http, and a Secure __Host- cookie over https or a trusted proxy saying https', async () => {
    const onHttp = await newAccount(http.app);
    expect(cookieOf(await signIn(http, onHttp.email))).toEqual(plain);
    // A client's own X-Forwarded-Proto changes nothing without TRUST_PROXY.
    expect(cookieOf(await signIn(http, onHttp.email, { 'x-forwarded-proto': 'https' }))).toEqual(plain);

    const onHttps = await newAccount(https.app);
    expect(cookieOf(await signIn(https, onHttps.email))).toEqual(hostOnly);

    const behindProxy = await newAccount(proxied.app);
    expect(cookieOf(await signIn(proxied, behindProxy.email, { 'x-forwarded-proto': 'https' }))).toEqual(hostOnly);
    expect(cookieOf(await signIn(proxied, behindProxy.email, { 'x-forwarded-proto': 'http' }))).toEqual(plain);
    expect(cookieOf(await signIn(proxied, behindProxy.email))).toEqual(plain);
  });

  it('authenticates by the __Host- cookie over https, ignores a plain one there, and clears it on logout', async () => {
    const { email } = await newAccount(https.app);
    const login = await signIn(https, email);
    const token = login.cookies[0]!.value;
    const account = (cookie: string) => https.app.inject({ method: 'GET', url: '/api/account', headers: { cookie } });
    expect((await account(`__Host-tally_session=${token}`)).statusCode).toBe(200);
    // Any host under the domain could plant a plain cookie; over https it is not read.
    const planted = await account(`tally_session=${token}`);
    expect([planted.statusCode, planted.json().error.code]).toEqual([401, 'unauthenticated']);

    const logout = await https.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: `__Host-tally_session=${token}` } });
    expect(logout.statusCode).toBe(204);
    const cleared = logout.cookies[0]!;
    expect([cleared.name, cleared.value, cleared.path, cleared.secure, cleared.expires?.getTime()]).toEqual([
      '__Host-tally_session',
      '',
      '/',
      true,
      0,
    ]);
    expect((await account(`__Host-tally_session=${token}`)).statusCode).toBe(401);
  });

  it('reads the plain cookie over http, and not a __Host- one there', async () => {
    const { email } = await newAccount(http.app);
    const token = (await signIn(http, email)).cookies[0]!.value;
    const account = (cookie: string) => http.app.inject({ method: 'GET', url: '/api/account', headers: { cookie } });
    expect((await account(`tally_session=${token}`)).statusCode).toBe(200);
    expect((await account(`__Host-tally_session=${token}`)).statusCode).toBe(401);
    const logout = await http.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: `tally_session=${token}` } });
    expect([logout.statusCode, logout.cookies[0]?.name, logout.cookies[0]?.value]).toEqual([204, 'tally_session', '']);
    expect((await account(`tally_session=${token}`)).statusCode).toBe(401);
  });

  it('names the cookie in the OpenAPI document as PUBLIC_URL has it', async () => {
    const scheme = async (t: TestApp) =>
      (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().components.securitySchemes.session;
    expect((await scheme(http)).name).toBe('tally_session');
    expect((await scheme(https)).name).toBe('__Host-tally_session');
  });
});
