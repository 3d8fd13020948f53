import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { complete, openTask, submit } from '../../support/cases.ts';

type Node = { code: string; name: string; publicName: string | null; kind: string | null; active: boolean; children: Node[] };
const find = (nodes: Node[], code: string): Node | undefined => {
  for (const n of nodes) {
    if (n.code === code) return n;
    const below = find(n.children, code);
    if (below) return below;
  }
  return undefined;
};

describe('units (承办单位) as a tree per region: GET|PUT /regions/:region/units, the unit form field', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  it('given the demo seed, when 扎赉特旗 reads its units, then 音德尔镇 → 解放社区 → 物业公司 is a tree with public names', async () => {
    const res = await t.call('GET', '/api/v1/regions/zhalaite/units', { as: 'zhalaite.dispatcher' });
    expect(res.status, res.text).to.equal(200);
    const town = find(res.body.units, 'yinder-town')!;
    expect(town).to.include({ name: '音德尔镇', kind: 'township', active: true, publicName: '扎赉特旗音德尔镇人民政府' });
    expect(town.children.map((c) => c.code)).to.deep.equal(['jiefang-community']);
    expect(town.children[0]!.children.map((c) => c.code)).to.deep.equal(['jiefang-property']);
    expect(find(res.body.units, 'dispatchers')).to.include({ kind: 'steering' });
    const other = await t.call('GET', '/api/v1/regions/saihan/units', { as: 'zhalaite.dispatcher' });
    expect(other.status).to.equal(403);
  });

  it('given a new region, when the admin PUTs a tree, then units are created with parents, GET /groups shows the tree fields and the change log has each', async () => {
    expect((await t.call('POST', '/api/v1/regions', { as: 'admin', body: { id: 'keyouqian', name: '科尔沁右翼前旗', casePrefix: 'KQ' } })).status).to.equal(201);
    const tree = [
      { code: 'keyouqian-county', name: '科右前旗人民政府', kind: 'county', children: [
        { code: 'guiliuhe-town', name: '归流河镇', kind: 'township', children: [{ code: 'guiliuhe-village', name: '归流河嘎查', kind: 'village' }] },
      ] },
      { code: 'heat-company', name: '热力公司', publicName: '科右前旗供热有限公司', kind: 'utility' },
    ];
    const put = await t.call('PUT', '/api/v1/regions/keyouqian/units', { as: 'admin', body: { units: tree } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.changed).to.equal(4);
    const groups = await t.call('GET', '/api/v1/groups?region=keyouqian', { as: 'admin' });
    const village = groups.body.items.find((g: { code: string }) => g.code === 'guiliuhe-village');
    expect(village).to.deep.include({ region: 'keyouqian', name: '归流河嘎查', parentCode: 'guiliuhe-town', kind: 'village', publicName: null, active: true });
    expect(groups.body.items.map((g: { code: string }) => g.code)).to.include.members(['dispatchers', 'leaders']);
    const log = await t.call('GET', '/api/v1/regions/keyouqian/changes?entity=group', { as: 'admin' });
    expect(log.body.items.map((c: { key: string }) => c.key)).to.include.members(['keyouqian-county', 'guiliuhe-town', 'guiliuhe-village', 'heat-company']);
    // The same tree again changes nothing.
    expect((await t.call('PUT', '/api/v1/regions/keyouqian/units', { as: 'admin', body: { units: tree } })).body.changed).to.equal(0);
  });

  it('given a tree with bad nodes, when it is PUT, then every problem is listed (422) and nothing is written', async () => {
    const before = await t.db.knex('groups').where({ region_id: 'keyouqian' }).count<{ n: number }[]>('* as n');
    const res = await t.call('PUT', '/api/v1/regions/keyouqian/units', { as: 'admin', body: { units: [
      { code: 'ok-unit', name: '新单位' },
      { code: 'Bad Code', name: 'x' },
      { code: 'heat-company', name: '热力公司', kind: 'spaceship', children: [{ code: 'ok-unit', name: '重复' }] },
    ] } });
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.details.units.map((p: { rule: string }) => p.rule)).to.deep.equal(['unit_code_invalid', 'unit_kind_unknown', 'unit_duplicate']);
    const after = await t.db.knex('groups').where({ region_id: 'keyouqian' }).count<{ n: number }[]>('* as n');
    expect(Number(after[0]!.n)).to.equal(Number(before[0]!.n));
  });

  it('given a unit, when PUT /groups makes its own descendant its parent, then unit_cycle (422) and the tree is unchanged', async () => {
    const res = await t.call('PUT', '/api/v1/groups/keyouqian/keyouqian-county', { as: 'admin', body: { name: '科右前旗人民政府', parentCode: 'guiliuhe-village' } });
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.code).to.equal('unit_cycle');
    expect((await t.db.knex('groups').where({ region_id: 'keyouqian', code: 'keyouqian-county' }).first('parent_code')).parent_code).to.equal(null);
    const moved = await t.call('PUT', '/api/v1/groups/keyouqian/heat-company', { as: 'admin', body: { name: '热力公司', parentCode: 'keyouqian-county', kind: 'utility' } });
    expect(moved.status, moved.text).to.equal(200);
    expect(moved.body).to.deep.include({ parentCode: 'keyouqian-county', publicName: '科右前旗供热有限公司' });
  });

  it('given a unit that handled a case, when the admin leaves it out of the tree, then it is deactivated, its history keeps its name, and dispatch no longer offers it', async () => {
    const c = await submit(t, { region: 'saihan', category: 'water' });
    await complete(t, c.id, 'dispatch', 'saihan.dispatcher', { department: 'water-utility' });
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.candidateGroups).to.deep.equal(['water-utility']);

    const current = (await t.call('GET', '/api/v1/regions/saihan/units', { as: 'admin' })).body.units as Node[];
    const without = current.filter((n) => n.code !== 'water-utility');
    const put = await t.call('PUT', '/api/v1/regions/saihan/units', { as: 'admin', body: { units: without } });
    expect(put.status, put.text).to.equal(200);
    expect(find(put.body.units, 'water-utility')).to.include({ active: false });
    expect(find(put.body.units, 'dispatchers')).to.include({ active: true }); // steering units stay

    const detail = await t.call('GET', `/api/v1/cases/${c.id}`, { as: 'saihan.dispatcher' });
    expect(detail.body.unitNames['water-utility']).to.equal('水务公司');
    const c2 = await submit(t, { region: 'saihan', category: 'water' });
    const dispatch = await openTask(t, c2.id, 'dispatch');
    const read = await t.call('GET', `/api/v1/tasks/${dispatch.id}`, { as: 'saihan.dispatcher' });
    const ids = read.body.form.fields.find((f: { id: string }) => f.id === 'department').values.map((v: { id: string }) => v.id);
    expect(ids).to.not.include('water-utility');
    const refused = await t.call('POST', `/api/v1/tasks/${dispatch.id}/complete`, { as: 'saihan.dispatcher', body: { variables: { department: 'water-utility' } } });
    expect(refused.status).to.equal(422);
  });

  it('given the dispatch form, when it is read, then its unit field lists the active directory units in tree order with names and no steering units', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'water' });
    const dispatch = await openTask(t, c.id, 'dispatch');
    const read = await t.call('GET', `/api/v1/tasks/${dispatch.id}`, { as: 'zhalaite.dispatcher' });
    expect(read.status, read.text).to.equal(200);
    const field = read.body.form.fields.find((f: { id: string }) => f.id === 'department');
    expect(field.type).to.equal('unit');
    const ids = field.values.map((v: { id: string }) => v.id);
    expect(ids).to.include.members(['street-office', 'community', 'property-office', 'city-management', 'yinder-town', 'jiefang-community', 'jiefang-property']);
    expect(ids).to.not.include.members(['dispatchers', 'leaders']);
    expect(ids.indexOf('community')).to.equal(ids.indexOf('street-office') + 1);
    expect(field.values.find((v: { id: string }) => v.id === 'jiefang-property')).to.deep.equal({ id: 'jiefang-property', name: '解放社区物业公司', depth: 2, parent: 'jiefang-community' });
    expect(read.body.groupNames).to.deep.equal({ dispatchers: '派单中心' });
  });

  it('given a submit of a value that is no unit, then 422 names the field; a unit the admin adds just now is accepted without a redeploy', async () => {
    const c = await submit(t, { region: 'zhalaite', category: 'water' });
    const dispatch = await openTask(t, c.id, 'dispatch');
    const bad = await t.call('POST', `/api/v1/tasks/${dispatch.id}/complete`, { as: 'zhalaite.dispatcher', body: { variables: { department: 'no-such-unit' } } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details.fields[0]).to.include({ field: 'department', rule: 'type' });
    const steering = await t.call('POST', `/api/v1/tasks/${dispatch.id}/complete`, { as: 'zhalaite.dispatcher', body: { variables: { department: 'leaders' } } });
    expect(steering.status).to.equal(422);

    expect((await t.call('PUT', '/api/v1/groups/zhalaite/heating-company', { as: 'admin', body: { name: '扎赉特旗热力公司', kind: 'utility' } })).status).to.equal(200);
    await t.call('PATCH', '/api/v1/users/zhalaite.handler', { as: 'admin', body: { groups: ['heating-company'] } });
    const ok = await t.call('POST', `/api/v1/tasks/${dispatch.id}/complete`, { as: 'zhalaite.dispatcher', body: { variables: { department: 'heating-company' } } });
    expect(ok.status, ok.text).to.equal(200);
    const verify = await openTask(t, c.id, 'verify');
    expect(verify.candidateGroups).to.deep.equal(['heating-company']);
    const list = await t.call('GET', '/api/v1/tasks?region=zhalaite&status=open', { as: 'zhalaite.handler' });
    const row = list.body.items.find((x: { id: number }) => x.id === verify.id);
    expect(row.groupNames).to.deep.equal({ 'heating-company': '扎赉特旗热力公司' });
  });
});
