import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 3)]);

describe('citizens: a photo with the request (public upload by tracking code)', function () {
  let t: TestApp;
  let caseNo: string;
  let code: string;
  let caseId: number;
  before(async () => {
    t = await startTestApp();
    const res = await t.call('POST', '/api/v1/cases', {
      body: { region: 'hongshan', category: 'road', title: '路面塌陷', description: '人行道塌了一个坑', contact: { phone: '19900000077' } },
    });
    expect(res.status, res.text).to.equal(201);
    ({ caseNo, trackingCode: code, id: caseId } = res.body);
  });
  after(async () => t?.close());

  const send = async (data: Buffer, name: string, trackingCode = code) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)]), name);
    const res = await fetch(`${t.url}/api/v1/track/${caseNo}/attachments?code=${trackingCode}`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('given the right tracking code, when the citizen uploads a photo, then it is stored with the case, on the timeline, and readable on the tracking page', async () => {
    const res = await send(PNG, 'hole.png');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ mediaType: 'image/png', size: PNG.length });
    const row = await t.db.knex('case_attachments').where({ case_id: caseId }).first();
    expect(row).to.include({ purpose: 'citizen', uploaded_by: 'citizen' });
    const event = await t.db.knex('case_events').where({ case_id: caseId, type: 'case.attachment_added' }).first();
    expect(event.actor).to.equal('citizen');
    const file = await fetch(`${t.url}/api/v1/track/${caseNo}/attachments/${res.body.id}?code=${code}`);
    expect(file.status).to.equal(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).to.equal(true);
    const progress = await t.call('GET', `/api/v1/track/${caseNo}?code=${code}`);
    expect(progress.body.yourPhotos.map((p: { id: number }) => p.id)).to.deep.equal([res.body.id]);
  });

  it('given a wrong tracking code, then 404 and nothing is stored', async () => {
    const before = await t.db.knex('case_attachments').where({ case_id: caseId }).count<{ n: number }[]>('* as n');
    const res = await send(PNG, 'x.png', 'WRONGCOD');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('not_found');
    const after = await t.db.knex('case_attachments').where({ case_id: caseId }).count<{ n: number }[]>('* as n');
    expect(Number(after[0].n)).to.equal(Number(before[0].n));
  });

  it('given a file that is not an image or PDF by its content, then 422 attachment_type', async () => {
    const res = await send(Buffer.from('#!/bin/sh\necho hi\n'), 'photo.jpg');
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('attachment_type');
  });

  it('given five photos already, then a sixth is refused with 409 too_many_attachments', async () => {
    for (let i = 0; i < 4; i++) expect((await send(PNG, `p${i}.png`)).status).to.equal(201);
    const res = await send(PNG, 'sixth.png');
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('too_many_attachments');
  });
});

describe('citizens: the photo cap holds under concurrent uploads, and file names stay UTF-8', function () {
  let t: TestApp;
  const newCase = async (title: string) => {
    const res = await t.call('POST', '/api/v1/cases', { body: { region: 'hongshan', category: 'road', title, description: '路面坑洼', contact: { phone: '19900000078' } } });
    expect(res.status, res.text).to.equal(201);
    return res.body as { id: number; caseNo: string; trackingCode: string };
  };
  const upload = async (c: { caseNo: string; trackingCode: string }, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), name);
    const res = await fetch(`${t.url}/api/v1/track/${c.caseNo}/attachments?code=${c.trackingCode}`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given 12 uploads at once on one case, then exactly 5 are stored and the other 7 get 409 too_many_attachments', async () => {
    const c = await newCase('十二张照片同时上传');
    const answers = await Promise.all(Array.from({ length: 12 }, (_v, i) => upload(c, `p${i}.png`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses, JSON.stringify(answers.map((a) => a.body))).to.deep.equal([...Array(5).fill(201), ...Array(7).fill(409)]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).to.equal('too_many_attachments');
    const [{ n }] = await t.db.knex('case_attachments').where({ case_id: c.id, purpose: 'citizen' }).count<{ n: string }[]>('* as n');
    expect(Number(n)).to.equal(5);
    const blobs = await t.db.knex('case_attachment_blobs as b').join('case_attachments as a', 'a.id', 'b.attachment_id').where('a.case_id', c.id).count<{ n: string }[]>('* as n');
    expect(Number(blobs[0].n)).to.equal(5);
    const events = await t.db.knex('case_events').where({ case_id: c.id, type: 'case.attachment_added' }).count<{ n: string }[]>('* as n');
    expect(Number(events[0].n)).to.equal(5);
    const verify = await t.call('GET', `/api/v1/audit/cases/${c.id}/verify`, { as: 'hongshan.auditor' });
    expect(verify.status, verify.text).to.equal(200);
    expect(verify.body.intact, verify.text).to.equal(true);
  });

  it('given a case that is no longer open, then an upload is refused with 409 case_not_open and nothing is stored', async () => {
    const c = await newCase('已办结的诉求');
    await t.db.knex('cases').where({ id: c.id }).update({ status: 'closed' });
    const res = await upload(c, 'late.png');
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('case_not_open');
    const [{ n }] = await t.db.knex('case_attachments').where({ case_id: c.id }).count<{ n: string }[]>('* as n');
    expect(Number(n)).to.equal(0);
  });

  it('given a photo named 现场照片.png, then it is stored and served under that name (RFC 5987 filename*)', async () => {
    const c = await newCase('中文文件名');
    const res = await upload(c, '现场照片.png');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const row = await t.db.knex('case_attachments').where({ id: res.body.id }).first('filename');
    expect(row.filename).to.equal('现场照片.png');
    const expected = `filename*=UTF-8''${encodeURIComponent('现场照片.png')}`;
    const publicFile = await fetch(`${t.url}/api/v1/track/${c.caseNo}/attachments/${res.body.id}?code=${c.trackingCode}`);
    expect(publicFile.status).to.equal(200);
    expect(publicFile.headers.get('content-disposition')).to.equal(`inline; filename="____.png"; ${expected}`);
    const staffFile = await fetch(`${t.url}/api/v1/cases/${c.id}/attachments/${res.body.id}`, { headers: { authorization: `Bearer ${await t.token('hongshan.dispatcher')}` } });
    expect(staffFile.status).to.equal(200);
    expect(staffFile.headers.get('content-disposition')).to.contain(expected);
    // What a client does with the header: decode filename* back to the name.
    const star = /filename\*=UTF-8''([^;]+)/.exec(staffFile.headers.get('content-disposition')!)![1];
    expect(decodeURIComponent(star)).to.equal('现场照片.png');
    const detail = await t.call('GET', `/api/v1/cases/${c.id}`, { as: 'hongshan.dispatcher' });
    expect(detail.body.attachments.map((a: { filename: string }) => a.filename)).to.deep.equal(['现场照片.png']);
  });

  it("given a name with a path, control characters and a bidi override, then only the clean last segment is kept", async () => {
    const c = await newCase('奇怪的文件名');
    const res = await upload(c, 'C:\\fakepath\\照片\u202egnp.exe');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const row = await t.db.knex('case_attachments').where({ id: res.body.id }).first('filename');
    expect(row.filename).to.equal('照片gnp.exe');
  });
});
