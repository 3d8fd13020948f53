import { expect } from 'chai';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { DAY } from '../../../server/clock/index.ts';
import { anchorYesterday, DEVELOPMENT_AUDIT_KEY, eventHash } from '../../../server/audit/index.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { submit } from '../../support/cases.ts';

/**
 * What someone with write access to the database, but not the audit key, can
 * do to a case's history — and what `verify` answers.
 */
describe('audit/tamper: a chain rewritten with database access alone is caught', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const verifyCase = async (id: number) => {
    const res = await t.call('GET', `/api/v1/audit/cases/${id}/verify`, { as: 'yuquan.auditor' });
    expect(res.status, res.text).to.equal(200);
    return res.body;
  };

  /** The attacker's script: change one event's data, then recompute every later hash (and the case's head) with `hash`. */
  async function forge(caseId: number, seq: number, hash: (prev: string | null, e: Parameters<typeof eventHash>[1]) => string, opts: { version?: number } = {}) {
    const knex = t.db.knex;
    await knex.raw(`update case_events set data = data || '{"forged": true}'::jsonb where case_id = ? and seq = ?`, [caseId, seq]);
    const rows = await knex('case_events').where({ case_id: caseId }).orderBy('seq');
    let prev: string | null = null;
    for (const r of rows) {
      if (r.seq >= seq) {
        const h = hash(prev, { caseId, seq: r.seq, at: new Date(r.at), actor: r.actor, type: r.type, data: r.data });
        await knex.raw('update case_events set prev_hash = ?, hash = ?, hash_version = ? where id = ?', [prev, h, opts.version ?? r.hash_version, r.id]);
        prev = h;
      } else prev = r.hash;
    }
    await knex.raw('update cases set event_hash = ? where id = ?', [prev, caseId]);
  }

  async function withComment(region = 'yuquan') {
    const c = await submit(t, { region, category: 'road' });
    const res = await t.call('POST', `/api/v1/cases/${c.id}/comments`, { as: `${region}.dispatcher`, body: { body: '已电话联系' } });
    expect(res.status, res.text).to.equal(201);
    return c;
  }

  it('given a new case, then its events are HMAC-chained (version 2) and verify intact', async () => {
    const c = await withComment();
    const rows = await t.db.knex('case_events').where({ case_id: c.id }).orderBy('seq');
    expect(rows.length).to.be.greaterThan(1);
    expect(rows.every((r) => Number(r.hash_version) === 2)).to.equal(true);
    expect(await verifyCase(c.id)).to.include({ intact: true, events: rows.length });
  });

  it('when an attacker edits an event and recomputes the chain with plain SHA-256, then verify reports where', async () => {
    const c = await withComment();
    await forge(c.id, 1, (prev, e) => eventHash(prev, e, 1));
    expect(await verifyCase(c.id)).to.deep.include({ intact: false, brokenAt: { seq: 1, reason: 'content does not match its hash' } });
  });

  it('when the attacker also marks the rewritten tail as old SHA-256 rows, then verify sees the version go down', async () => {
    const c = await withComment();
    await forge(c.id, 2, (prev, e) => eventHash(prev, e, 1), { version: 1 });
    expect(await verifyCase(c.id)).to.deep.include({ intact: false, brokenAt: { seq: 2, reason: 'hash version went down' } });
  });

  it('when the attacker recomputes with an HMAC under a wrong key, then verify reports where', async () => {
    const c = await withComment();
    const wrong = randomBytes(32);
    await forge(c.id, 2, (prev, e) => eventHash(prev, e, 2, wrong));
    expect(await verifyCase(c.id)).to.deep.include({ intact: false, brokenAt: { seq: 2, reason: 'content does not match its hash' } });
  });

  it('given events written before the HMAC chain (version 1 rows), then they still verify, and new events chain on with version 2', async () => {
    const c = await submit(t, { region: 'yuquan', category: 'water' });
    // The rows as the code before issue 11 wrote them: plain SHA-256, hash_version 1 (the migration's default).
    const rows = await t.db.knex('case_events').where({ case_id: c.id }).orderBy('seq');
    let prev: string | null = null;
    for (const r of rows) {
      const h = eventHash(prev, { caseId: c.id, seq: r.seq, at: new Date(r.at), actor: r.actor, type: r.type, data: r.data }, 1);
      await t.db.knex.raw('update case_events set prev_hash = ?, hash = ?, hash_version = 1 where id = ?', [prev, h, r.id]);
      prev = h;
    }
    await t.db.knex.raw('update cases set event_hash = ? where id = ?', [prev, c.id]);
    expect(await verifyCase(c.id)).to.include({ intact: true, events: rows.length });

    const res = await t.call('POST', `/api/v1/cases/${c.id}/comments`, { as: 'yuquan.dispatcher', body: { body: '已派单' } });
    expect(res.status, res.text).to.equal(201);
    const versions = (await t.db.knex('case_events').where({ case_id: c.id }).orderBy('seq')).map((r) => Number(r.hash_version));
    expect(versions.at(-1)).to.equal(2);
    expect(versions.slice(0, rows.length).every((v) => v === 1)).to.equal(true);
    expect(await verifyCase(c.id)).to.include({ intact: true, events: versions.length });
  });

  it("given the day's anchor, then its signature verifies with the downloaded public key, and a head forged even with the audit key no longer matches it", async () => {
    // A fresh day of its own, so the anchor covers only this test's case.
    t.clock.advance(10 * DAY);
    const c = await withComment();
    const day = t.clock.now().toISOString().slice(0, 10);
    t.clock.advance(DAY);
    // The SLA cron's daily jobs sign yesterday's anchors, once across all nodes.
    expect((await t.app.sla.jobs.tick()).daily).to.include('audit-anchor');
    // A second run (another node, a retry) keeps the first anchor.
    await anchorYesterday(t.db.knex, t.clock.now());

    const list = await t.call('GET', `/api/v1/audit/anchors?region=yuquan&from=${day}&to=${day}`, { as: 'yuquan.auditor' });
    expect(list.status, list.text).to.equal(200);
    expect(list.body.anchors).to.have.length(1);
    const anchor = list.body.anchors[0];
    expect(anchor).to.include({ region: 'yuquan', day, heads: 1, keyFingerprint: list.body.publicKeyFingerprint });
    const all = await t.call('GET', `/api/v1/audit/anchors?from=${day}&to=${day}`, { as: 'yuquan.auditor' });
    expect(all.body.anchors.map((a: { region: string }) => a.region)).to.deep.equal(['yuquan']);
    expect((await t.call('GET', '/api/v1/audit/anchors?region=saihan', { as: 'yuquan.auditor' })).status).to.equal(403);
    expect((await t.call('GET', '/api/v1/audit/anchors', { as: 'yuquan.dispatcher' })).status).to.equal(403);

    const pem = await t.call('GET', '/api/v1/audit/anchors/public-key', { as: 'yuquan.auditor' });
    expect(pem.status).to.equal(200);
    expect(pem.text).to.match(/^-----BEGIN PUBLIC KEY-----/);
    const publicKey = createPublicKey(pem.text);
    expect(verify(null, Buffer.from(anchor.message), publicKey, Buffer.from(anchor.signature, 'base64'))).to.equal(true);
    expect(anchor.message).to.equal(`bangni-anchor/1\nyuquan\n${day}\n1\n${anchor.digest}\n`);

    expect(await verifyCase(c.id)).to.deep.include({ intact: true, anchored: { day, matches: true } });
    // An insider with the database and the audit key recomputes a valid HMAC chain: only the anchor tells.
    await forge(c.id, 2, (prev, e) => eventHash(prev, e, 2, DEVELOPMENT_AUDIT_KEY));
    const report = await verifyCase(c.id);
    expect(report).to.deep.include({ intact: false, anchored: { day, matches: false } });
    expect(report.brokenAt.reason).to.match(/signed anchor/);
  });
});
