import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../server/app.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail, complete, openElements, submit } from '../../support/cases.ts';

const DEFAULT_XML = fs.readFileSync(path.join(REPO_ROOT, 'processes', 'default', 'citizen-request.bpmn'), 'utf8');

describe('definitions: region fallback and versions of running cases', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const latestDefault = () => t.db.knex('definitions').where({ region_id: 'default', key: 'citizen-request' }).orderBy('version', 'desc').first();

  it('given 奈曼旗 has no variant of its own, when a case is submitted there, then it runs the default process', async () => {
    const c = await submit(t, { region: 'naiman', category: 'facility' });
    const detail = await caseDetail(t, c.id);
    expect(detail.definitionId).to.equal((await latestDefault()).id);
    expect(detail.region).to.equal('naiman');
    expect(detail.caseNo).to.match(/^NM/);
    // Default has no facility shortcut: a facility case is dispatched.
    expect(await openElements(t, c.id)).to.deep.equal(['dispatch']);
  });

  it('given a running case, when a new version with another first task is deployed, then the running case stays on its definition and new cases take the new one', async () => {
    const running = await submit(t, { region: 'naiman', category: 'road' });
    const oldDefinition = (await caseDetail(t, running.id)).definitionId;

    // v2 for 奈曼旗 renames the first task: a case moved onto it would lose its waiting task.
    const v2Xml = DEFAULT_XML.replace(/"dispatch"/g, '"triage"');
    const deployed = await t.call('POST', '/api/v1/definitions', { as: 'naiman.designer', body: { region: 'naiman', xml: v2Xml } });
    expect(deployed.status, deployed.text).to.equal(201);
    expect(deployed.body).to.include({ region: 'naiman', key: 'citizen-request', version: 1 });

    const fresh = await submit(t, { region: 'naiman', category: 'road' });
    expect((await caseDetail(t, fresh.id)).definitionId).to.equal(deployed.body.id);
    expect(await openElements(t, fresh.id)).to.deep.equal(['triage']);

    expect(await openElements(t, running.id)).to.deep.equal(['dispatch']);
    await complete(t, running.id, 'dispatch', 'naiman.dispatcher', { department: 'city-management' });
    expect(await openElements(t, running.id)).to.deep.equal(['verify']);
    const after = await caseDetail(t, running.id);
    expect(after.definitionId).to.equal(oldDefinition);
    expect((await t.db.knex('cases').where({ id: running.id }).first('definition_id')).definition_id).to.equal(oldDefinition);
  });

  it('given a second default version, when deployed, then a case of another region without a variant takes it and older cases keep theirs', async () => {
    const older = await submit(t, { region: 'hongshan', category: 'noise' });
    const v2 = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'default', xml: DEFAULT_XML.replace('群众诉求办理', '群众诉求办理 v2') } });
    expect(v2.status, v2.text).to.equal(201);
    expect(v2.body.version).to.equal(2);
    const newer = await submit(t, { region: 'hongshan', category: 'noise' });
    expect((await caseDetail(t, newer.id)).definitionId).to.equal(v2.body.id);
    expect((await caseDetail(t, older.id)).definitionId).to.not.equal(v2.body.id);
  });
});
