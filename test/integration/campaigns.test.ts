import { afterAll, beforeAll, expect, it } from 'vitest';
import { keepAndApply } from '../../src/app/ledger/keep-and-apply.ts';
import type { IncomingOrder } from '../../src/core/order.ts';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

const none = { percent: null, fixed: null };

describeDb('campaigns, members and codes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** An account with a campaign and two creators in its Community. */
  async function setup(commission: object = { percent: '10' }) {
    const account = await newAccount(t.app);
    const { admin } = account;
    const campaign = (await admin.post('/api/campaigns', { name: 'Summer', commission })).body;
    const ana = (await admin.post('/api/creators', { name: 'Ana' })).body;
    const bo = (await admin.post('/api/creators', { name: 'Bo' })).body;
    const members = `/api/campaigns/${campaign.id}/members`;
    return { ...account, admin, campaign, ana, bo, members };
  }

  const member = (creator: { id: string; name: string }, extra: object = {}) => ({
    creatorId: creator.id,
    name: creator.name,
    codes: [],
    links: [],
    commission: null,
    removed: false,
    creatorRemoved: false,
    ...extra,
  });

  // ---------------------------------------------------------------- campaigns

  it.each([
    [{ percent: '10' }, { percent: '10', fixed: null }],
    [{ percent: '12.50' }, { percent: '12.5', fixed: null }],
    [{ percent: '0' }, { percent: '0', fixed: null }],
    [{ percent: '100.0000' }, { percent: '100', fixed: null }],
    [{ percent: '0.0001' }, { percent: '0.0001', fixed: null }],
    [{ fixed: { value: '100', currency: 'JPY' } }, { percent: null, fixed: { value: '100', currency: 'JPY' } }],
    [{ fixed: { value: '100.00', currency: 'JPY' } }, { percent: null, fixed: { value: '100', currency: 'JPY' } }],
    [{ fixed: { value: '1.25', currency: 'KWD' } }, { percent: null, fixed: { value: '1.250', currency: 'KWD' } }],
    [
      { percent: '5', fixed: { value: '2', currency: 'EUR' } },
      { percent: '5', fixed: { value: '2.00', currency: 'EUR' } },
    ],
    [{}, none],
    [{ percent: null, fixed: null }, none],
  ])('creates a campaign with commission %j, echoed as %j', async (commission, echoed) => {
    const { admin } = await newAccount(t.app);
    const res = await admin.post('/api/campaigns', { name: 'Launch', commission });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      name: 'Launch',
      commission: echoed,
      attributionWindowDays: 30,
      holdDays: 15,
    });
    expect((await admin.get(`/api/campaigns/${res.body.id}`)).body).toEqual(res.body);
  });

  it('creates a campaign without commission terms and with its own attribution window and hold', async () => {
    const { admin } = await newAccount(t.app);
    const res = await admin.post('/api/campaigns', { name: 'Gifting', attributionWindowDays: 7, holdDays: 0 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Gifting', commission: none, attributionWindowDays: 7, holdDays: 0 });
  });

  it.each([
    [{ commission: { percent: '10' } }, 400, 'invalid_input', 'name'],
    [{ name: '', commission: {} }, 400, 'invalid_input', 'name'],
    [{ name: 'X', commission: { percent: '-1' } }, 400, 'invalid_input', 'percent'],
    [{ name: 'X', commission: { percent: '100.01' } }, 400, 'invalid_input', 'percent'],
    [{ name: 'X', commission: { percent: '101' } }, 400, 'invalid_input', 'percent'],
    [{ name: 'X', commission: { percent: '12.34567' } }, 400, 'invalid_input', 'percent'],
    [{ name: 'X', commission: { percent: 10 } }, 400, 'invalid_input', 'percent'],
    [{ name: 'X', commission: { percent: '1e1' } }, 400, 'invalid_input', 'percent'],
    [{ name: 'X', commission: { percentage: '10' } }, 400, 'invalid_input', 'percentage'],
    [{ name: 'X', commission: { fixed: { value: '1', currency: 'eur' } } }, 400, 'invalid_input', 'currency'],
    [{ name: 'X', commission: { fixed: { value: '1,50', currency: 'EUR' } } }, 400, 'invalid_input', 'value'],
    [{ name: 'X', attributionWindowDays: 0 }, 400, 'invalid_input', 'attributionWindowDays'],
    [{ name: 'X', holdDays: 366 }, 400, 'invalid_input', 'holdDays'],
    [{ name: 'X', holdDays: -1 }, 400, 'invalid_input', 'holdDays'],
    [{ name: 'X', commission: { fixed: { value: '1', currency: 'XYZ' } } }, 422, 'unsupported_currency', 'XYZ'],
    [{ name: 'X', commission: { fixed: { value: '1.234', currency: 'EUR' } } }, 422, 'invalid_amount', '1.234'],
    [{ name: 'X', commission: { fixed: { value: '1.5', currency: 'JPY' } } }, 422, 'invalid_amount', 'JPY'],
    [{ name: 'X', commission: { fixed: { value: '-1', currency: 'EUR' } } }, 422, 'invalid_amount', 'negative'],
  ])('rejects %j with %i %s', async (body, status, code, mentions) => {
    const { admin } = await newAccount(t.app);
    const res = await admin.post('/api/campaigns', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toContain(mentions);
    expect((await admin.get('/api/campaigns')).body).toEqual({ items: [] });
  });

  it('lists and edits campaigns; terms merge part by part', async () => {
    const { admin } = await newAccount(t.app);
    const a = (await admin.post('/api/campaigns', { name: 'A', commission: { percent: '10', fixed: { value: '1.5', currency: 'EUR' } } }))
      .body;
    const b = (await admin.post('/api/campaigns', { name: 'B', commission: {} })).body;
    expect((await admin.get('/api/campaigns')).body).toEqual({ items: [a, b] });

    const path = `/api/campaigns/${a.id}`;
    let res = await admin.patch(path, { name: 'A2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...a, name: 'A2' });
    res = await admin.patch(path, { commission: { percent: '15' } });
    expect(res.body.commission).toEqual({ percent: '15', fixed: { value: '1.50', currency: 'EUR' } });
    res = await admin.patch(path, { commission: { fixed: { value: '300', currency: 'JPY' } } });
    expect(res.body.commission).toEqual({ percent: '15', fixed: { value: '300', currency: 'JPY' } });
    res = await admin.patch(path, { commission: { fixed: null } });
    expect(res.body.commission).toEqual({ percent: '15', fixed: null });
    res = await admin.patch(path, { commission: null, attributionWindowDays: 60, holdDays: 30 });
    expect(res.body).toEqual({ id: a.id, name: 'A2', commission: none, attributionWindowDays: 60, holdDays: 30 });
    expect((await admin.get(path)).body).toEqual(res.body);

    expect((await admin.patch(path, {})).status).toBe(400);
    expect((await admin.patch(path, { commission: { percent: '-1' } })).status).toBe(400);
    const bad = await admin.patch(path, { commission: { percent: '20', fixed: { value: '1.234', currency: 'EUR' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_amount');
    expect((await admin.get(path)).body).toEqual(res.body);
  });

  // ---------------------------------------------------------------- members

  it('adds a member with codes and its own terms', async () => {
    const { admin, ana, bo, members } = await setup();
    const res = await admin.post(members, { creatorId: ana.id, codes: [' Summer10 ', 'ANA5'], commission: { percent: '12.5' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(member(ana, { codes: ['Summer10', 'ANA5'], commission: { percent: '12.5', fixed: null } }));
    const plain = await admin.post(members, { creatorId: bo.id });
    expect(plain.status).toBe(201);
    expect(plain.body).toEqual(member(bo));
    expect((await admin.get(members)).body).toEqual({ items: [res.body, plain.body] });
    expect((await admin.get(`${members}/${ana.id}`)).body).toEqual(res.body);
  });

  it('adding an active member again is idempotent but adds the new codes', async () => {
    const { admin, ana, members } = await setup();
    expect((await admin.post(members, { creatorId: ana.id, codes: ['ONE'] })).status).toBe(201);
    const again = await admin.post(members, { creatorId: ana.id });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(member(ana, { codes: ['ONE'] }));
    const more = await admin.post(members, { creatorId: ana.id, codes: ['one', 'TWO'] });
    expect(more.status).toBe(200);
    expect(more.body).toEqual(member(ana, { codes: ['ONE', 'TWO'] }));
  });

  it('removing and re-adding a member keeps its codes and terms', async () => {
    const { admin, ana, bo, members } = await setup();
    await admin.post(members, { creatorId: ana.id, codes: ['ANA10'], commission: { fixed: { value: '2', currency: 'EUR' } } });
    await admin.post(members, { creatorId: bo.id });
    expect((await admin.delete(`${members}/${ana.id}`)).status).toBe(204);
    expect((await admin.delete(`${members}/${ana.id}`)).status).toBe(204);

    const removed = member(ana, {
      codes: ['ANA10'],
      commission: { percent: null, fixed: { value: '2.00', currency: 'EUR' } },
      removed: true,
    });
    expect((await admin.get(members)).body).toEqual({ items: [member(bo)] });
    expect((await admin.get(`${members}?removed=true`)).body).toEqual({ items: [removed, member(bo)] });
    expect((await admin.get(`${members}/${ana.id}`)).body).toEqual(removed);

    // The removed member still holds its code.
    const taken = await admin.post(`${members}/${bo.id}/codes`, { code: 'ana10' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('code_taken');
    // A removed member takes no new codes until it is added back.
    const closed = await admin.post(`${members}/${ana.id}/codes`, { code: 'NEW' });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('member_removed');

    const back = await admin.post(members, { creatorId: ana.id, codes: ['ANA20'] });
    expect(back.status).toBe(201);
    expect(back.body).toEqual({ ...removed, codes: ['ANA10', 'ANA20'], removed: false });
    expect((await admin.get(members)).body).toEqual({ items: [back.body, member(bo)] });
  });

  it('sets and clears a member override', async () => {
    const { admin, ana, members } = await setup();
    await admin.post(members, { creatorId: ana.id });
    const path = `${members}/${ana.id}`;
    let res = await admin.patch(path, { commission: { percent: '20' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(member(ana, { commission: { percent: '20', fixed: null } }));
    res = await admin.patch(path, { commission: { fixed: { value: '1.25', currency: 'KWD' } } });
    expect(res.body.commission).toEqual({ percent: '20', fixed: { value: '1.250', currency: 'KWD' } });
    res = await admin.patch(path, { commission: { percent: null } });
    expect(res.body.commission).toEqual({ percent: null, fixed: { value: '1.250', currency: 'KWD' } });
    res = await admin.patch(path, { commission: null });
    expect(res.body).toEqual(member(ana));
    const bad = await admin.patch(path, { commission: { fixed: { value: '1', currency: 'XYZ' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('unsupported_currency');
    expect((await admin.patch(path, {})).status).toBe(400);
    expect((await admin.patch(`${members}/${ana.id}9`, { commission: null })).status).toBe(404);
  });

  it('refuses creators removed from the Community, and hides their memberships until restored', async () => {
    const { admin, ana, bo, members } = await setup();
    await admin.post(members, { creatorId: bo.id, codes: ['BO'] });
    await admin.delete(`/api/creators/${ana.id}`);
    const res = await admin.post(members, { creatorId: ana.id });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('creator_removed');

    await admin.delete(`/api/creators/${bo.id}`);
    expect((await admin.get(members)).body).toEqual({ items: [] });
    expect((await admin.get(`${members}?removed=true`)).body).toEqual({ items: [member(bo, { codes: ['BO'], creatorRemoved: true })] });
    expect((await admin.post(`${members}/${bo.id}/codes`, { code: 'BO2' })).body.error.code).toBe('creator_removed');
    expect((await admin.post(members, { creatorId: bo.id })).status).toBe(409);

    await admin.post(`/api/creators/${bo.id}/restore`);
    expect((await admin.get(members)).body).toEqual({ items: [member(bo, { codes: ['BO'] })] });
  });

  it('answers 404 for an unknown creator or campaign', async () => {
    const { admin, ana, campaign, members } = await setup();
    const unknownCreator = await admin.post(members, { creatorId: '987654321' });
    expect(unknownCreator.status).toBe(404);
    expect(unknownCreator.body.error).toEqual({ code: 'not_found', message: 'Creator not found.' });
    expect((await admin.post('/api/campaigns/987654321/members', { creatorId: ana.id })).status).toBe(404);
    expect((await admin.get(`${members}/${ana.id}`)).status).toBe(404);
    expect((await admin.delete(`${members}/${ana.id}`)).status).toBe(404);
    expect((await admin.post(`${members}/${ana.id}/codes`, { code: 'X' })).status).toBe(404);
    expect((await admin.get(`/api/campaigns/${campaign.id}0`)).status).toBe(404);
  });

  // ---------------------------------------------------------------- codes

  it('adds and frees codes; one member per code, compared trimmed and case-insensitively', async () => {
    const { admin, ana, bo, campaign, members } = await setup();
    await admin.post(members, { creatorId: ana.id });
    await admin.post(members, { creatorId: bo.id });
    const added = await admin.post(`${members}/${ana.id}/codes`, { code: ' Summer10 ' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ code: 'Summer10', creatorId: ana.id, campaignId: campaign.id });
    const stored = await t.db.selectFrom('codes').select(['code', 'code_norm']).where('campaign_id', '=', campaign.id).execute();
    expect(stored).toEqual([{ code: 'Summer10', code_norm: 'summer10' }]);

    const again = await admin.post(`${members}/${ana.id}/codes`, { code: 'SUMMER10' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ code: 'Summer10', creatorId: ana.id, campaignId: campaign.id });

    const taken = await admin.post(`${members}/${bo.id}/codes`, { code: 'summer10' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('code_taken');
    // Full-width characters typed on a Japanese keyboard are the same code.
    expect((await admin.post(`${members}/${bo.id}/codes`, { code: 'ＳＵＭＭＥＲ１０' })).status).toBe(409);

    for (const code of ['', '   ']) {
      const empty = await admin.post(`${members}/${bo.id}/codes`, { code });
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('invalid_input');
    }

    expect((await admin.delete(`${members}/${bo.id}/codes/summer10`)).status).toBe(404);
    expect((await admin.delete(`${members}/${ana.id}/codes/${encodeURIComponent(' summer10')}`)).status).toBe(204);
    expect((await admin.get(`${members}/${ana.id}`)).body.codes).toEqual([]);
    expect((await admin.delete(`${members}/${ana.id}/codes/summer10`)).status).toBe(404);
    expect((await admin.post(`${members}/${bo.id}/codes`, { code: 'summer10' })).status).toBe(201);
    expect((await admin.get(`${members}/${bo.id}`)).body.codes).toEqual(['summer10']);
  });

  it('holds a code across campaigns of the account, not across accounts', async () => {
    const { admin, ana, bo, members } = await setup();
    await admin.post(members, { creatorId: ana.id, codes: ['SHARED'] });
    const other = (await admin.post('/api/campaigns', { name: 'Winter', commission: {} })).body;
    const inOther = await admin.post(`/api/campaigns/${other.id}/members`, { creatorId: bo.id, codes: ['shared'] });
    expect(inOther.status).toBe(409);
    expect(inOther.body.error.code).toBe('code_taken');
    // The same creator in another campaign is another member.
    expect((await admin.post(`/api/campaigns/${other.id}/members`, { creatorId: ana.id, codes: ['Shared'] })).status).toBe(409);

    const elsewhere = await setup();
    expect((await elsewhere.admin.post(elsewhere.members, { creatorId: elsewhere.ana.id, codes: ['SHARED'] })).status).toBe(201);
  });

  it('claims the codes of a new member all or nothing', async () => {
    const { admin, ana, bo, members } = await setup();
    await admin.post(members, { creatorId: ana.id, codes: ['TAKEN'] });
    const res = await admin.post(members, { creatorId: bo.id, codes: ['FREE', 'taken'] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('code_taken');
    expect((await admin.get(`${members}?removed=true`)).body.items.map((m: { creatorId: string }) => m.creatorId)).toEqual([ana.id]);
    // FREE was not kept by the failed request.
    expect((await admin.post(members, { creatorId: ana.id, codes: ['free'] })).body.codes).toEqual(['TAKEN', 'free']);
  });

  it('gives a code to exactly one of two members adding it at once', async () => {
    const { admin, ana, bo, members } = await setup();
    await admin.post(members, { creatorId: ana.id });
    await admin.post(members, { creatorId: bo.id });
    for (const code of ['RACE1', 'RACE2', 'RACE3']) {
      const [a, b] = await Promise.all([
        admin.post(`${members}/${ana.id}/codes`, { code }),
        admin.post(`${members}/${bo.id}/codes`, { code: code.toLowerCase() }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe('code_taken');
      const holders = await t.db.selectFrom('codes').select('creator_id').where('code_norm', '=', code.toLowerCase()).execute();
      expect(holders).toEqual([{ creator_id: a.status === 201 ? ana.id : bo.id }]);
    }
    // Two new members racing for one code through POST members: one joins with it, the other joins not at all.
    const cy = (await admin.post('/api/creators', { name: 'Cy' })).body;
    const di = (await admin.post('/api/creators', { name: 'Di' })).body;
    const [c, d] = await Promise.all([
      admin.post(members, { creatorId: cy.id, codes: ['DUO'] }),
      admin.post(members, { creatorId: di.id, codes: ['duo'] }),
    ]);
    expect([c.status, d.status].sort()).toEqual([201, 409]);
    expect((await admin.get(members)).body.items).toHaveLength(3);
  });

  it('settles two new members claiming the same codes in opposite orders', async () => {
    const { admin, members } = await setup();
    for (const round of [1, 2, 3]) {
      const cy = (await admin.post('/api/creators', { name: `Cy${round}` })).body;
      const di = (await admin.post('/api/creators', { name: `Di${round}` })).body;
      const [c, d] = await Promise.all([
        admin.post(members, { creatorId: cy.id, codes: [`P${round}`, `Q${round}`] }),
        admin.post(members, { creatorId: di.id, codes: [`Q${round}`, `P${round}`] }),
      ]);
      expect([c.status, d.status].sort()).toEqual([201, 409]);
      const winner = c.status === 201 ? c.body : d.body;
      expect(winner.codes.sort()).toEqual([`P${round}`, `Q${round}`]);
    }
  });

  it('adds the same member twice at once without error', async () => {
    const { admin, ana, members } = await setup();
    const [a, b] = await Promise.all([
      admin.post(members, { creatorId: ana.id, codes: ['X1'] }),
      admin.post(members, { creatorId: ana.id, codes: ['x1', 'X2'] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    // Whichever request came first gave the code its spelling.
    const { codes } = (await admin.get(`${members}/${ana.id}`)).body;
    expect(codes.map((c: string) => c.toUpperCase())).toEqual(['X1', 'X2']);
  });

  // ---------------------------------------------------------------- tenancy and roles

  it("answers 404 for another account's campaign, member and code on every route", async () => {
    const theirs = await setup();
    await theirs.admin.post(theirs.members, { creatorId: theirs.ana.id, codes: ['THEIRS'] });
    const mine = await setup();
    const { admin } = mine;
    const c = theirs.campaign.id;
    const a = theirs.ana.id;
    const calls = [
      admin.get(`/api/campaigns/${c}`),
      admin.patch(`/api/campaigns/${c}`, { name: 'Mine' }),
      admin.get(`/api/campaigns/${c}/members`),
      admin.post(`/api/campaigns/${c}/members`, { creatorId: mine.ana.id }),
      admin.get(`/api/campaigns/${c}/members/${a}`),
      admin.patch(`/api/campaigns/${c}/members/${a}`, { commission: null }),
      admin.delete(`/api/campaigns/${c}/members/${a}`),
      admin.post(`/api/campaigns/${c}/members/${a}/codes`, { code: 'MINE' }),
      admin.delete(`/api/campaigns/${c}/members/${a}/codes/THEIRS`),
      // My campaign, their creator.
      admin.post(mine.members, { creatorId: a }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await admin.get('/api/campaigns')).body.items.map((x: { id: string }) => x.id)).toEqual([mine.campaign.id]);
    expect((await theirs.admin.get(`${theirs.members}/${a}`)).body).toEqual(member(theirs.ana, { codes: ['THEIRS'] }));
    expect((await theirs.admin.get(`/api/campaigns/${c}`)).body.name).toBe('Summer');
  });

  it('lets a viewer read campaigns and members but change nothing', async () => {
    const { admin, as, ana, campaign, members } = await setup();
    await admin.post(members, { creatorId: ana.id, codes: ['V'] });
    const before = { campaign: (await admin.get(`/api/campaigns/${campaign.id}`)).body, members: (await admin.get(members)).body };
    for (const role of ['viewer', 'member'] as const) {
      const client: Client = await as(role);
      expect((await client.get('/api/campaigns')).status).toBe(200);
      expect((await client.get(`/api/campaigns/${campaign.id}`)).body).toEqual(before.campaign);
      expect((await client.get(members)).body).toEqual(before.members);
      expect((await client.get(`${members}/${ana.id}`)).status).toBe(200);
      for (const res of [
        await client.post('/api/campaigns', { name: 'X', commission: {} }),
        await client.patch(`/api/campaigns/${campaign.id}`, { name: 'X' }),
        await client.post(members, { creatorId: ana.id }),
        await client.patch(`${members}/${ana.id}`, { commission: null }),
        await client.delete(`${members}/${ana.id}`),
        await client.post(`${members}/${ana.id}/codes`, { code: 'W' }),
        await client.delete(`${members}/${ana.id}/codes/V`),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    expect((await admin.get(members)).body).toEqual(before.members);
  });

  // ---------------------------------------------------------------- with the ledger

  it('new terms apply to new conversions only; a removed member’s codes keep attributing', async () => {
    const { admin, accountId, ana, campaign, members } = await setup({ percent: '10' });
    await admin.post(members, { creatorId: ana.id, codes: ['ANA10'] });
    const store = await t.db
      .insertInto('stores')
      .values({ account_id: accountId, platform: 'custom', name: 'Shop', currency: 'EUR', webhook_secret: 'secret' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const order = (n: number, codes: string[]): IncomingOrder => ({
      externalId: `o${n}`,
      number: `#${n}`,
      createdAt: new Date('2024-06-03T10:00:00Z'),
      updatedAt: new Date('2024-06-03T10:00:00Z'),
      currency: 'EUR',
      grossMinor: 10000n,
      refundedMinor: 0n,
      base: 'paid',
      codes,
      ref: null,
      country: null,
    });
    const ingest = (o: IncomingOrder) =>
      t.db
        .transaction()
        .execute((trx) => keepAndApply(trx, { accountId, storeId: store.id }, 'custom/order', { kind: 'custom_order', order: o }));
    const conversion = (id: string | null) =>
      t.db
        .selectFrom('conversions')
        .select(['creator_id', 'via_value', 'terms_percent', 'commission_minor'])
        .where('id', '=', id!)
        .executeTakeFirstOrThrow();

    const first = await ingest(order(1, [' ana10 ']));
    expect(await conversion(first.conversionId)).toEqual({
      creator_id: ana.id,
      via_value: 'ANA10',
      terms_percent: '10',
      commission_minor: '1000',
    });

    await admin.patch(`/api/campaigns/${campaign.id}`, { commission: { percent: '20' } });
    await admin.delete(`${members}/${ana.id}`);
    const second = await ingest(order(2, ['Ana10']));
    expect(await conversion(second.conversionId)).toEqual({
      creator_id: ana.id,
      via_value: 'ANA10',
      terms_percent: '20',
      commission_minor: '2000',
    });
    // The first kept the terms it was created with.
    expect(await conversion(first.conversionId)).toEqual({
      creator_id: ana.id,
      via_value: 'ANA10',
      terms_percent: '10',
      commission_minor: '1000',
    });

    // A freed code attributes nothing new; the past conversion keeps its code.
    await admin.post(members, { creatorId: ana.id });
    await admin.delete(`${members}/${ana.id}/codes/ana10`);
    expect((await ingest(order(3, ['ANA10']))).conversionId).toBeNull();
    expect((await conversion(first.conversionId)).via_value).toBe('ANA10');
  });

  it('describes the routes in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/creators',
        '/api/creators/{id}',
        '/api/creators/{id}/restore',
        '/api/campaigns',
        '/api/campaigns/{id}',
        '/api/campaigns/{id}/members',
        '/api/campaigns/{id}/members/{creatorId}',
        '/api/campaigns/{id}/members/{creatorId}/codes',
        '/api/campaigns/{id}/members/{creatorId}/codes/{code}',
      ]),
    );
  });
});
