import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { REPO_ROOT } from '../../../server/app.ts';
import { IMMUTABLE, REVALIDATE } from '../../../server/api/static-assets.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { submit } from '../../support/cases.ts';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as they came over the wire (fetch would decode them and hide the size). */
  wire: Buffer;
  /** The same, decoded. */
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const wire = Buffer.concat(parts);
        const encoding = res.headers['content-encoding'];
        const body = encoding === 'br' ? zlib.brotliDecompressSync(wire) : encoding === 'gzip' ? zlib.gunzipSync(wire) : wire;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, body });
      });
    }).on('error', reject);
  });
}

describe('the browser app and the API come compressed; hashed assets are cached immutable', function () {
  this.timeout(120_000);
  let t: TestApp;
  let script: string;

  before(async function () {
    if (!fs.existsSync(path.join(REPO_ROOT, 'modeler', 'dist', 'index.html'))) {
      console.log('  skipping: the browser app is not built (modeler/dist); run `npm run build`');
      this.skip();
    }
    t = await startTestApp();
  });

  after(async () => {
    await t?.close();
  });

  it('answers index.html with no-cache, so a deploy shows on the next visit', async () => {
    for (const p of ['/', '/index.html', '/tasks', '/cases/12']) {
      const res = await get(`${t.url}${p}`, { accept: 'text/html', 'accept-encoding': 'gzip, br' });
      expect(res.status, p).to.equal(200);
      expect(res.headers['cache-control'], p).to.equal(REVALIDATE);
      expect(res.body.toString(), p).to.contain('<main id="outlet"');
    }
    const page = (await get(`${t.url}/`)).body.toString();
    script = /<script type="module"[^>]* src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1] ?? '';
    expect(script, 'the entry script in index.html').to.match(/^\/assets\/index-[\w-]+\.js$/);
  });

  it('sends a hashed asset with brotli when accepted, gzip otherwise, cached for a year as immutable', async () => {
    const plain = await get(`${t.url}${script}`);
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.headers['cache-control']).to.equal(IMMUTABLE);

    const br = await get(`${t.url}${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).to.equal('br');
    expect(br.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(br.headers.vary).to.match(/accept-encoding/i);
    expect(br.body.equals(plain.body)).to.equal(true);
    expect(br.wire.length).to.be.below(plain.wire.length / 2);

    const gzip = await get(`${t.url}${script}`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).to.equal('gzip');
    expect(gzip.headers['cache-control']).to.equal(IMMUTABLE);
    expect(gzip.body.equals(plain.body)).to.equal(true);
  });

  it('compresses an API answer over 1 kB and keeps it out of caches', async () => {
    const { id } = await submit(t, { region: 'yuquan', category: 'facility', description: '3号楼门口路灯坏了一周，晚上出入很不方便' });
    const token = await t.token('yuquan.dispatcher');
    const res = await get(`${t.url}/api/v1/cases/${id}`, { authorization: `Bearer ${token}`, 'accept-encoding': 'br, gzip' });
    expect(res.status, res.body.toString()).to.equal(200);
    expect(res.body.length, 'a case detail long enough to be worth compressing').to.be.above(1024);
    expect(res.headers['content-encoding']).to.equal('br');
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.wire.length).to.be.below(res.body.length);
    expect(JSON.parse(res.body.toString())).to.be.an('object');
  });

  it('leaves a small answer as it is', async () => {
    const res = await get(`${t.url}/healthz`, { 'accept-encoding': 'br, gzip' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-encoding']).to.equal(undefined);
  });
});
