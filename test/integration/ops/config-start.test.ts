import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildServer } from '../../support/child-server.ts';

/**
 * Issue 14: `BANGNI_DEMO=false` kept demo mode (only `0` turned it off), with
 * the password `demo` and the published keys; `PORT` was not checked. The
 * server now reads its environment through one schema and refuses to start on
 * any problem, all of them listed, before it opens a database.
 */
describe('configuration at start: a production start refuses demo defaults and malformed values', function () {
  this.timeout(60_000);

  it('given BANGNI_DEMO=false without keys, the admin password "demo" and a bad PORT, the server exits 1 naming every variable, with no stack trace and no database opened', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-config-')), 'data');
    let failure = '';
    let opened = false;
    try {
      const s = await startChildServer({ env: { DATABASE_URL: undefined, BANGNI_DATA_DIR: dataDir, BANGNI_DEMO: 'false', BANGNI_ADMIN_PASSWORD: 'demo', PORT: 'eighty' }, startTimeoutMs: 30_000 });
      await s.kill();
      expect.fail('the server started');
    } catch (err) {
      failure = (err as Error).message;
    } finally {
      opened = fs.existsSync(dataDir);
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
    expect(failure).to.match(/the server exited while starting \(code 1, signal null\)/);
    for (const name of ['PORT', 'BANGNI_ADMIN_PASSWORD', 'BANGNI_SECRET_KEY', 'BANGNI_AUDIT_KEY', 'BANGNI_ANCHOR_KEY']) expect(failure, name).to.include(name);
    expect(failure).to.include('PORT must be a whole number from 0 to 65535 (got "eighty")');
    expect(failure).to.not.match(/^\s+at /m);
    expect(failure).to.not.match(/listening on/i);
    expect(opened, 'the embedded database was created before the configuration was checked').to.equal(false);
  });
});
