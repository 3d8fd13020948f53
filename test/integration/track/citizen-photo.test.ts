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
