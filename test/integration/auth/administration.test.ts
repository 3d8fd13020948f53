import { expect } from 'chai';
import { createApp } from '../../../server/app.ts';
import { ManualClock } from '../../../server/clock/index.ts';
import { login } from '../../../server/auth/index.ts';
import { freshDb } from '../../support/db.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';

describe('administration: the first admin of a production start, staff accounts and units', function () {
  describe('given a production start (no demo data)', () => {
    it('seeds no user; BANGNI_ADMIN_PASSWORD creates `admin` once, and a weak one is refused', async () => {
      const db = await freshDb();
      const clock = new ManualClock();
      try {
        const quiet = { db, clock, demo: false, node: 'prod', log: () => undefined, processesDir: null, secretKey: Buffer.alloc(32, 9) };
        await createApp(quiet).start();
        expect(await db.knex('users').count<{ n: number }[]>('* as n')).to.deep.equal([{ n: 0 }]);

        await createApp({ ...quiet, adminPassword: 'correct horse battery' }).start();
        const admin = await login(db.knex, clock.now(), 'admin', 'correct horse battery');
        expect(admin.user).to.include({ role: 'admin', regionId: null });

        // A restart with another password does not overwrite the existing account.
        await createApp({ ...quiet, adminPassword: 'another long password' }).start();
        expect((await login(db.knex, clock.now(), 'admin', 'correct horse battery')).user.username).to.equal('admin');

        let refused: unknown;
        await createApp({ ...quiet, adminPassword: 'short' }).start().catch((e) => (refused = e));
        expect((refused as { code?: string }).code).to.equal('admin_password_weak');
      } finally {
        await db.drop();
      }
    });
  });

  describe('given the admin API', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp();
    });
    after(async () => t?.close());

    it('an admin creates a unit and a handler in it, who can log in and is offered that unit’s tasks', async () => {
      const g = await t.call('PUT', '/api/v1/groups/saihan/sanitation-team', { as: 'admin', body: { name: '环卫所' } });
      expect(g.status, g.text).to.equal(200);
      const u = await t.call('POST', '/api/v1/users', {
        as: 'admin',
        body: { username: 'saihan.wang', password: 'a long enough pw', displayName: '王师傅', role: 'handler', region: 'saihan', groups: ['sanitation-team'] },
      });
      expect(u.status, u.text).to.equal(201);
      expect(u.body).to.deep.include({ username: 'saihan.wang', role: 'handler', region: 'saihan', groups: ['sanitation-team'], active: true });
      const stored = await t.db.knex('users').where({ username: 'saihan.wang' }).first('password_hash');
      expect(stored.password_hash).to.match(/^scrypt\$/).and.not.to.contain('a long enough pw');

      const c = await t.call('POST', '/api/v1/cases', { body: { region: 'saihan', category: 'sanitation', title: '垃圾未清运' } });
      const dispatch = await t.db.knex('tasks').where({ case_id: c.body.id, element_id: 'dispatch' }).first('id');
      const done = await t.call('POST', `/api/v1/tasks/${dispatch.id}/complete`, { as: 'saihan.dispatcher', body: { variables: { department: 'street-office' } } });
      expect(done.status, done.text).to.equal(200);
      // As if the region's process routed verification to the new unit (its designer would do that in the modeler).
      await t.db.knex('tasks').where({ case_id: c.body.id, status: 'open' }).update({ candidate_groups: ['sanitation-team'] });
      const token = (await t.call('POST', '/api/v1/auth/login', { body: { username: 'saihan.wang', password: 'a long enough pw' } })).body.token;
      const list = await fetch(`${t.url}/api/v1/tasks`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ total: number }>);
      expect(list.total).to.equal(1);
    });

    it('refuses a taken username (409), an unknown unit or a region-less non-admin (422), and anyone but admin (403)', async () => {
      const base = { password: 'a long enough pw', displayName: 'x', role: 'handler', region: 'saihan', groups: [] };
      expect((await t.call('POST', '/api/v1/users', { as: 'admin', body: { ...base, username: 'saihan.dispatcher' } })).body.error.code).to.equal('username_taken');
      const unknown = await t.call('POST', '/api/v1/users', { as: 'admin', body: { ...base, username: 'saihan.li', groups: ['no-such-unit'] } });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([422, 'group_unknown']);
      const noRegion = await t.call('POST', '/api/v1/users', { as: 'admin', body: { ...base, username: 'saihan.zhao', region: null } });
      expect([noRegion.status, noRegion.body.error.code]).to.deep.equal([422, 'region_required']);
      const weak = await t.call('POST', '/api/v1/users', { as: 'admin', body: { ...base, username: 'saihan.qian', password: 'short' } });
      expect(weak.status).to.equal(422);
      for (const who of ['saihan.leader', 'saihan.designer']) {
        const res = await t.call('POST', '/api/v1/users', { as: who, body: { ...base, username: 'saihan.sun' } });
        expect(res.status, who).to.equal(403);
      }
      expect((await t.call('PUT', '/api/v1/groups/saihan/x-team', { as: 'saihan.leader', body: { name: 'x' } })).status).to.equal(403);
      expect(await t.db.knex('users').where({ username: 'saihan.sun' }).first()).to.equal(undefined);
    });

    it('deactivating an account ends its logins at once', async () => {
      const before = await t.call('GET', '/api/v1/auth/me', { as: 'yuquan.handler' });
      expect(before.status).to.equal(200);
      const off = await t.call('PATCH', '/api/v1/users/yuquan.handler', { as: 'admin', body: { active: false } });
      expect([off.status, off.body.active]).to.deep.equal([200, false]);
      const token = await t.token('yuquan.handler');
      const after = await fetch(`${t.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).to.equal(401);
      const relogin = await t.call('POST', '/api/v1/auth/login', { body: { username: 'yuquan.handler', password: 'demo' } });
      expect([relogin.status, relogin.body.error.code]).to.deep.equal([401, 'login_failed']);
    });
  });
});
