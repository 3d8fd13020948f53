import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../server/app.ts';
import { verifyPassword } from '../../../server/auth/index.ts';
import { childClient, childServerData } from '../../support/child-server.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** CST (UTC+8) day of an instant: the CLI's export days. */
const cstDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * The admin CLI (issue 14), run as operators run it — `node bin/bangni.mjs`,
 * a child process with the server's environment — against a database of its
 * own: a fresh schema on PostgreSQL, or a fresh PGlite data directory.
 */
describe('admin CLI: bangni migrate | create-admin | verify-chain | export-cases | doctor', function () {
  this.timeout(240_000);
  const data = childServerData('cli');
  after(() => data.drop());

  function bangni(args: string[], opts: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<Run> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...data.env, ...opts.env })) if (v !== undefined) env[k] = v;
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'bangni.mjs'), ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      proc.once('error', reject);
      proc.once('exit', (code) => resolve({ code, stdout, stderr }));
      proc.stdin.end(opts.stdin ?? '');
    });
  }
  const lines = (r: Run) => r.stdout.trim().split('\n');
  const noStack = (r: Run) => expect(r.stderr + r.stdout, 'a stack trace').to.not.match(/^\s+at /m);
  const migrationFiles = () => fs.readdirSync(path.join(REPO_ROOT, 'migrations')).filter((f) => /^\d{14}_[\w-]+\.ts$/.test(f));

  let caseNo = '';
  let confidentialNo = '';

  it('doctor on a database that does not exist yet: FAIL lines, exit 1, and it creates nothing', async () => {
    const r = await bangni(['doctor']);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    for (const l of lines(r)) expect(l).to.match(/^(ok  |FAIL) (configuration|database|migrations|calendar|secrets): /);
    expect(r.stdout).to.match(/^ok   configuration: demo mode/m);
    expect(r.stdout).to.match(/^FAIL database: (schema \S+ does not exist|no embedded database in )/m);
    expect(r.stdout).to.match(/^FAIL migrations: not checked: no database$/m);
    if (data.dataDir) expect(fs.existsSync(path.join(data.dataDir, 'PG_VERSION')), 'doctor created a database').to.equal(false);
    noStack(r);
  });

  it('migrate applies every migration once; a second run applies nothing', async () => {
    const r = await bangni(['migrate']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(lines(r)[0]).to.equal(`applied ${migrationFiles().length} migration(s):`);
    expect(lines(r).slice(1).map((l) => l.trim())).to.deep.equal(migrationFiles().sort());
    const again = await bangni(['migrate']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout.trim()).to.equal('migrations already current: nothing to apply');
    const db = await data.open();
    try {
      expect(await db.knex('knex_migrations').count<{ n: number }[]>('* as n').then((x) => Number(x[0].n))).to.equal(migrationFiles().length);
      expect(await db.knex('regions').where({ id: 'yuquan' }).first('id')).to.deep.equal({ id: 'yuquan' });
    } finally {
      await db.close();
    }
  });

  it('given a server that took two cases on the migrated database and stopped (the embedded database serves one process at a time)', async () => {
    const server = await data.start('cli-server');
    const api = await childClient(server);
    const one = await api('POST', '/api/v1/cases', { region: 'yuquan', category: 'other', title: '路灯不亮', description: '小区门口', contact: { name: '王小明', phone: '13912345678' } });
    expect(one.status, JSON.stringify(one.body)).to.equal(201);
    const two = await api('POST', '/api/v1/cases', { region: 'yuquan', category: 'other', title: '保密件', description: '', contact: { name: '李四', phone: '13800001111' }, confidential: true });
    expect(two.status, JSON.stringify(two.body)).to.equal(201);
    caseNo = one.body.caseNo;
    confidentialNo = two.body.caseNo;
    await server.stop();
    expect(await server.exit).to.deep.equal({ code: 0, signal: null });
  });

  it('verify-chain: exit 0 for an intact chain, 2 under another audit key or after tampering, 1 for no such case', async () => {
    const ok = await bangni(['verify-chain', caseNo]);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(new RegExp(`^${caseNo}: intact, \\d+ event\\(s\\), head [0-9a-f]{64}; no anchor covers it yet$`, 'm'));

    // The chain is keyed: under a key that is not the server's, every event reads as forged.
    const otherKey = await bangni(['verify-chain', caseNo], { env: { BANGNI_AUDIT_KEY: randomBytes(32).toString('hex') } });
    expect(otherKey.code, otherKey.stdout + otherKey.stderr).to.equal(2);
    expect(otherKey.stdout).to.match(new RegExp(`^${caseNo}: BROKEN at event 1: content does not match its hash`, 'm'));

    const db = await data.open();
    try {
      const { id } = await db.knex('cases').where({ case_no: caseNo }).first('id');
      await db.knex('case_events').where({ case_id: id, seq: 1 }).update({ actor: 'mallory' });
    } finally {
      await db.close();
    }
    const tampered = await bangni(['verify-chain', caseNo]);
    expect(tampered.code, tampered.stdout + tampered.stderr).to.equal(2);
    expect(tampered.stdout).to.match(/BROKEN at event 1: content does not match its hash/);

    const none = await bangni(['verify-chain', 'YQ-NOPE']);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.match(/^bangni verify-chain: no case YQ-NOPE$/m);
    const usage = await bangni(['verify-chain']);
    expect(usage.code).to.equal(1);
    expect(usage.stderr).to.match(/verify-chain takes one case number/);
    noStack(none);
  });

  it('export-cases: the day\'s cases as CSV on stdout, phone numbers and names masked, confidential contacts left out', async () => {
    const today = cstDay(new Date());
    const r = await bangni(['export-cases', '--from', today, '--to', today]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.startsWith('\uFEFFcase_no,region,status,category,urgency,channel,title,created_at,closed_at,close_kind,confidential,contact_name,contact_phone\r\n')).to.equal(true);
    const rows = r.stdout.slice(1).trim().split('\r\n').slice(1);
    const row = rows.find((l) => l.startsWith(`${caseNo},`));
    expect(row, r.stdout).to.match(/,yuquan,open,other,normal,web,路灯不亮,\d{4}-\d{2}-\d{2}T[\d:.]+Z,,,no,王\*\*,139\*\*\*\*5678$/);
    expect(rows.find((l) => l.startsWith(`${confidentialNo},`))).to.match(/,保密件,.*,yes,,$/);
    expect(r.stdout).to.not.include('13912345678');
    expect(r.stdout).to.not.include('13800001111');
    expect(r.stderr).to.match(/exported 2 case\(s\) created/);

    const elsewhere = await bangni(['export-cases', '--from', today, '--to', today, '--region', 'saihan']);
    expect(elsewhere.code).to.equal(0);
    expect(elsewhere.stdout.slice(1).trim().split('\r\n')).to.have.length(1);

    const bad = await bangni(['export-cases', '--from', '2027-02-30', '--to', today]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/--from: a day YYYY-MM-DD that exists/);
    const unknownRegion = await bangni(['export-cases', '--from', today, '--to', today, '--region', 'atlantis']);
    expect(unknownRegion.code).to.equal(1);
    expect(unknownRegion.stderr).to.match(/no region atlantis/);
  });

  it('create-admin: refuses weak passwords as the app does, creates the account from stdin, refuses a taken name', async () => {
    const short = await bangni(['create-admin', '--username', 'ops.admin', '--password', 'short']);
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/at least 12 characters/);
    const demo = await bangni(['create-admin', '--username', 'ops.admin'], { stdin: 'demo\n' });
    expect(demo.code).to.equal(1);
    expect(demo.stderr).to.match(/the demo accounts' password/);
    const badName = await bangni(['create-admin', '--username', 'Ops Admin', '--password', 'a long enough password']);
    expect(badName.code).to.equal(1);
    expect(badName.stderr).to.match(/username: lower-case letters/);
    const none = await bangni(['create-admin', '--username', 'ops.admin']);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.match(/no password/);

    const made = await bangni(['create-admin', '--username', 'ops.admin'], { stdin: 'correct horse battery staple\n' });
    expect(made.code, made.stderr).to.equal(0);
    expect(made.stdout.trim()).to.equal('created the administrator account "ops.admin"');
    const db = await data.open();
    try {
      const user = await db.knex('users').where({ username: 'ops.admin' }).first('role', 'region_id', 'password_hash', 'active');
      expect(user).to.include({ role: 'admin', region_id: null, active: true });
      expect(await verifyPassword('correct horse battery staple', user.password_hash)).to.equal(true);
    } finally {
      await db.close();
    }
    const again = await bangni(['create-admin', '--username', 'ops.admin'], { env: { BANGNI_ADMIN_PASSWORD: 'another long password' } });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/username ops\.admin is taken/);
  });

  it('doctor: fails on the missing calendar year and unset secrets; with both fixed, every line is ok and it exits 0', async () => {
    const r = await bangni(['doctor']);
    expect(r.code, r.stdout).to.equal(1);
    expect(r.stdout).to.match(/^ok   database: reachable/m);
    expect(r.stdout).to.match(new RegExp(`^ok   migrations: current \\(${migrationFiles().length} applied\\)$`, 'm'));
    const year = Number(cstDay(new Date()).slice(0, 4));
    expect(r.stdout).to.match(new RegExp(`^FAIL calendar: ${year + 1} not loaded for any region: .*PUT /api/v1/calendar/default/${year + 1}$`, 'm'));
    expect(r.stdout).to.match(/^FAIL secrets: BANGNI_SECRET_KEY, BANGNI_AUDIT_KEY, BANGNI_ANCHOR_KEY not set: demo mode uses the public development keys$/m);

    // Given: this year and next loaded for `default` (so every region), and the secrets set.
    const db = await data.open();
    try {
      for (const y of [year, year + 1]) {
        await db.knex('calendar_years').insert({ region_id: 'default', year: y, source: 'test', loaded_by: 'test', loaded_at: new Date() }).onConflict(['region_id', 'year']).ignore();
      }
    } finally {
      await db.close();
    }
    const secrets = {
      BANGNI_SECRET_KEY: randomBytes(32).toString('base64'),
      BANGNI_AUDIT_KEY: randomBytes(32).toString('hex'),
      BANGNI_ANCHOR_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const healthy = await bangni(['doctor'], { env: secrets });
    expect(healthy.code, healthy.stdout).to.equal(0);
    expect(lines(healthy).map((l) => l.split(':')[0])).to.deep.equal(['ok   configuration', 'ok   database', 'ok   migrations', 'ok   calendar', 'ok   secrets']);
    expect(healthy.stdout).to.match(new RegExp(`^ok   calendar: ${year} and ${year + 1} loaded for all \\d+ regions$`, 'm'));
  });

  it('reads the environment through the server\'s schema: every problem named at once, exit 1, no stack trace', async () => {
    const r = await bangni(['migrate'], { env: { BANGNI_DEMO: 'maybe', BANGNI_POOL_MAX: 'lots' } });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('BANGNI_DEMO must be 1/0, true/false, yes/no or on/off (got "maybe")');
    expect(r.stderr).to.include('BANGNI_POOL_MAX must be a whole number from 1 to 1000 (got "lots")');
    noStack(r);
    const prod = await bangni(['doctor'], { env: { BANGNI_DEMO: 'false' } });
    expect(prod.code).to.equal(1);
    expect(prod.stdout).to.match(/^FAIL configuration: BANGNI_DEMO=0 needs BANGNI_SECRET_KEY/m);
    expect(prod.stdout).to.match(/^FAIL secrets: .* not set: a production start is refused$/m);
    const unknown = await bangni(['frobnicate']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/unknown command "frobnicate"/).and.match(/usage: bangni <command>/);
  });
});
