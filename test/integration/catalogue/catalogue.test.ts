import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { caseDetail } from '../../support/cases.ts';
import { asXmlText, open311, readXml } from '../open311/open311.ts';

const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = '一级分类编码,一级分类名称,二级分类编码,二级分类名称,关键词,默认承办单位,状态';
const DEFAULT_LEAVES = ['road', 'facility', 'sanitation', 'noise', 'water', 'veterans', 'consult', 'complaint', 'other'];

interface NodeView {
  code: string;
  name: string;
  keywords: string[];
  active: boolean;
  selectable: boolean;
  origin: string;
  children: NodeView[];
}
const flat = (nodes: NodeView[]): NodeView[] => nodes.flatMap((n) => [n, ...flat(n.children)]);

describe('catalogue: the request catalogue (诉求分类) as a coded tree per region, with CSV/XLSX import and export', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  async function put(path: string, body: string | Buffer, type: string, as = 'admin') {
    const res = await fetch(`${t.url}${path}`, {
      method: 'PUT', headers: { authorization: `Bearer ${await t.token(as)}`, 'content-type': type }, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : text };
  }
  const tree = async (region: string) => {
    const res = await t.call('GET', `/api/v1/regions/${region}/catalogue`);
    expect(res.status, res.text).to.equal(200);
    return res.body as { region: string; nodes: NodeView[]; hidden: string[] };
  };
  const newCase = (region: string, category: string, title = '暖气不热') => t.call('POST', '/api/v1/cases', { body: { region, category, title, description: '家里暖气温度低' } });
  const ownRows = (region: string) =>
    t.db.knex('catalogue_nodes').where({ region_id: region }).orderBy('code').select('code', 'parent_code', 'name', 'keywords', 'default_unit', 'active', 'hidden', 'sort');

  /** yuquan's catalogue as its CSV export has it, one line per row (the header first). */
  async function exportedLines(): Promise<string[]> {
    const exported = await t.call('GET', '/api/v1/regions/yuquan/catalogue.csv', { as: 'yuquan.dispatcher' });
    expect(exported.status, exported.text).to.equal(200);
    expect(exported.headers.get('content-type')).to.equal(CSV);
    return exported.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
  }

  it('given a fresh database, the default tree holds the nine categories as leaves under coded top-level nodes, readable without login', async () => {
    const d = await tree('default');
    expect(d.nodes.map((n) => `${n.code} ${n.name}`)).to.deep.equal(['CX 城乡建设', 'HJ 生态环境', 'GY 公用事业', 'TY 退役军人事务', 'ZH 综合']);
    const leaves = flat(d.nodes).filter((n) => n.selectable);
    expect(leaves.map((n) => n.code)).to.deep.equal(DEFAULT_LEAVES);
    expect(flat(d.nodes).every((n) => n.origin === 'default' && n.active)).to.equal(true);
    expect(leaves.find((n) => n.code === 'water')!.keywords).to.include('供暖');
    // Every region inherits it as it is.
    const y = await tree('yuquan');
    expect(y.nodes).to.deep.equal(d.nodes);
    expect(y.hidden).to.deep.equal([]);
  });

  it('when an admin imports a CSV adding a 供暖 branch and leaving out 退役军人, then yuquan takes GN01 cases and no longer veterans ones; saihan is unchanged', async () => {
    const exported = await exportedLines();
    expect(exported[0]).to.equal(HEADER);
    expect(exported).to.include('CX,城乡建设,road,道路障碍/占道,道路；井盖；占道；坑洼；停车,,启用');
    // The default tree without 退役军人 (TY and its leaf), with a 供暖 branch of two leaves.
    const csv = [
      ...exported.filter((l) => !l.startsWith('TY,')),
      'GN,供暖,,,供暖；暖气,,启用',
      'GN,供暖,GN01,供暖不热,暖气不热；温度低,,启用',
      'GN,供暖,GN02,停暖,停暖；未供暖,,启用',
    ].join('\r\n');
    expect((await put('/api/v1/regions/yuquan/catalogue.csv', csv, CSV, 'yuquan.dispatcher')).status).to.equal(403);
    const res = await put('/api/v1/regions/yuquan/catalogue.csv', csv, CSV);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.hidden).to.deep.equal(['TY', 'veterans']);
    const gn = res.body.nodes.find((n: NodeView) => n.code === 'GN');
    expect(gn).to.include({ name: '供暖', origin: 'region', selectable: false });
    expect(gn.children.map((n: NodeView) => `${n.code} ${n.name}`)).to.deep.equal(['GN01 供暖不热', 'GN02 停暖']);
    // Only what differs from default is stored: the new nodes and the hidden ones.
    expect((await ownRows('yuquan')).map((r) => `${r.code}${r.hidden ? ' hidden' : ''}`)).to.deep.equal(['GN', 'GN01', 'GN02', 'TY hidden', 'veterans hidden']);

    const taken = await newCase('yuquan', 'GN01');
    expect(taken.status, taken.text).to.equal(201);
    const detail = await caseDetail(t, taken.body.id);
    expect(detail.category).to.equal('GN01');
    expect(detail.categoryPath).to.deep.equal([{ code: 'GN', name: '供暖' }, { code: 'GN01', name: '供暖不热' }]);
    const created = detail.timeline.find((e: { type: string }) => e.type === 'case.created');
    expect(created.data.categoryPath).to.deep.equal(detail.categoryPath);

    const elsewhere = await newCase('saihan', 'GN01');
    expect(elsewhere.status, elsewhere.text).to.equal(422);
    expect(elsewhere.body.error.code).to.equal('category_unknown');
    expect(elsewhere.body.error.message).to.contain('GN01').and.contain('saihan');
    const hidden = await newCase('yuquan', 'veterans', '优抚咨询');
    expect(hidden.status, hidden.text).to.equal(422);
    expect(hidden.body.error.code).to.equal('category_unknown');
    expect((await newCase('saihan', 'veterans', '优抚咨询')).status).to.equal(201);
    // Cases are classified to the finest level: the branch itself takes none.
    const branch = await newCase('yuquan', 'GN');
    expect(branch.status, branch.text).to.equal(422);
    expect(branch.body.error.code).to.equal('category_branch');
    expect((await newCase('yuquan', 'heating')).body.error.code).to.equal('category_unknown');
  });

  it('when a node is renamed, then its old cases keep the name they were taken in with, and new ones get the new name', async () => {
    const before = await newCase('yuquan', 'GN01');
    expect(before.status, before.text).to.equal(201);
    const current = await tree('yuquan');
    flat(current.nodes).find((n) => n.code === 'GN01')!.name = '供暖温度不达标';
    // The GET answer goes back as the PUT body (its extra fields are ignored).
    const renamed = await t.call('PUT', '/api/v1/regions/yuquan/catalogue', { as: 'admin', body: { nodes: current.nodes } });
    expect(renamed.status, renamed.text).to.equal(200);
    expect(flat(renamed.body.nodes).find((n) => n.code === 'GN01')!.name).to.equal('供暖温度不达标');
    expect(renamed.body.hidden).to.deep.equal(['TY', 'veterans']);

    const after = await newCase('yuquan', 'GN01');
    expect((await caseDetail(t, before.body.id)).categoryPath[1]).to.deep.equal({ code: 'GN01', name: '供暖不热' });
    expect((await caseDetail(t, after.body.id)).categoryPath[1]).to.deep.equal({ code: 'GN01', name: '供暖温度不达标' });
    const list = await t.call('GET', '/api/v1/cases?region=yuquan&category=GN01', { as: 'yuquan.dispatcher' });
    expect(list.status, list.text).to.equal(200);
    const names = list.body.items.map((c: { id: number; categoryPath: Array<{ name: string }> }) => [c.id, c.categoryPath[1]!.name]);
    expect(names).to.deep.include([before.body.id, '供暖不热']).and.deep.include([after.body.id, '供暖温度不达标']);
  });

  it('given a CSV with mistakes, then every one is listed by row and column, and nothing changes', async () => {
    const rowsBefore = await ownRows('yuquan');
    const treeBefore = await tree('yuquan');
    const good = await exportedLines();
    const bad = [
      ...good,
      'GN,供暖,GN01,重复编码,,,启用', // the code is on an earlier row
      'GN,暖气,GN03,名称不一致,,,启用', // the level-1 name differs from GN's own row
      'XX,未知,XX01,上级不存在,,,启用', // XX has no row of its own
      'GN,供暖,GN04,单位不存在,,no-such-unit,启用',
      'GN,供暖,GN05,状态错误,,,作废',
      ',,GN06,缺上级,,,启用',
      'GN,供暖,bad code!,编码错误,,,启用',
    ];
    const first = good.length + 1; // the spreadsheet row of the first added line (the header is row 1)
    const res = await put('/api/v1/regions/yuquan/catalogue.csv', bad.join('\r\n'), CSV);
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.code).to.equal('catalogue_invalid');
    const rows: Array<{ row: number; column: string; message: string }> = res.body.error.details.rows;
    const where = rows.map((r) => `${r.row} ${r.column}`);
    expect(where).to.deep.equal([
      `${first} 二级分类编码`,
      `${first + 1} 一级分类名称`,
      `${first + 2} 一级分类编码`,
      `${first + 3} 默认承办单位`,
      `${first + 4} 状态`,
      `${first + 5} 一级分类编码`,
      `${first + 6} 二级分类编码`,
    ]);
    expect(rows[0]!.message).to.contain('GN01').and.contain(`row ${good.findIndex((l) => l.startsWith('GN,供暖,GN01,')) + 1}`);
    expect(rows[3]!.message).to.contain('no-such-unit');
    expect(rows.every((r) => r.message.length > 10)).to.equal(true);
    expect(await ownRows('yuquan')).to.deep.equal(rowsBefore);
    expect(await tree('yuquan')).to.deep.equal(treeBefore);

    // Not UTF-8 (a GBK file from an old Excel): refused with how to save it.
    const gbk = await put('/api/v1/regions/yuquan/catalogue.csv', Buffer.from([0xd2, 0xbb, 0xbc, 0xb6, 0x2c, 0xff, 0xfe]), CSV);
    expect(gbk.status, gbk.text).to.equal(422);
    expect(gbk.body.error.details.rows[0]).to.include({ row: 1 });
    expect(gbk.body.error.details.rows[0].message).to.contain('UTF-8');
    // A known unit of the region is accepted, and comes back out in the export.
    const withUnit = good.map((l) => (l.startsWith('GN,供暖,GN02,') ? 'GN,供暖,GN02,停暖,停暖；未供暖,housing,启用' : l));
    const ok = await put('/api/v1/regions/yuquan/catalogue.csv', withUnit.join('\r\n'), CSV);
    expect(ok.status, ok.text).to.equal(200);
    expect((await t.call('GET', '/api/v1/regions/yuquan/catalogue.csv', { as: 'yuquan.auditor' })).text).to.contain('GN02,停暖,停暖；未供暖,housing,启用');
  });

  it('an XLSX export imports back to the same catalogue (and so does a CSV export)', async () => {
    const rowsBefore = await ownRows('yuquan');
    const treeBefore = await tree('yuquan');
    const res = await fetch(`${t.url}/api/v1/regions/yuquan/catalogue.xlsx`, { headers: { authorization: `Bearer ${await t.token('yuquan.leader')}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal(XLSX);
    expect(res.headers.get('content-disposition')).to.contain('.xlsx');
    const bytes = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).to.equal('诉求分类');
    expect((sheet.getRow(1).values as unknown[]).slice(1).join(',')).to.equal(HEADER);
    expect(sheet.rowCount).to.equal(1 + flat(treeBefore.nodes).length);

    const back = await put('/api/v1/regions/yuquan/catalogue.xlsx', bytes, XLSX);
    expect(back.status, back.text).to.equal(200);
    expect(back.body).to.deep.equal(treeBefore);
    expect(await ownRows('yuquan')).to.deep.equal(rowsBefore);

    // The CSV as Excel gets it, byte-order mark and all (fetch's text() would drop the mark).
    const csv = await fetch(`${t.url}/api/v1/regions/yuquan/catalogue.csv`, { headers: { authorization: `Bearer ${await t.token('admin')}` } });
    const csvBytes = Buffer.from(await csv.arrayBuffer());
    expect([...csvBytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect((await put('/api/v1/regions/yuquan/catalogue.csv', csvBytes, CSV)).body).to.deep.equal(treeBefore);
    expect(await ownRows('yuquan')).to.deep.equal(rowsBefore);
    // The default tree round-trips the same way: its file is its rows.
    const d = await tree('default');
    const dx = await fetch(`${t.url}/api/v1/regions/default/catalogue.xlsx`, { headers: { authorization: `Bearer ${await t.token('admin')}` } });
    expect((await put('/api/v1/regions/default/catalogue.xlsx', Buffer.from(await dx.arrayBuffer()), XLSX)).body).to.deep.equal(d);
    // Not a workbook: a clear 422, nothing changed.
    const junk = await put('/api/v1/regions/yuquan/catalogue.xlsx', Buffer.from('not a zip'), XLSX);
    expect(junk.status, junk.text).to.equal(422);
    expect(junk.body.error.details.rows[0].message).to.contain('.xlsx');
  });

  it('when a limit is set on the 供暖 branch, then a GN01 case runs on it; a limit for a code not in the catalogue is refused', async () => {
    const set = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { limits: [{ category: 'GN', urgency: 'normal', response: 'PT3H', resolution: 'PT30H' }] } });
    expect(set.status, set.text).to.equal(200);
    const refused = await t.call('PUT', '/api/v1/sla/limits/yuquan', { as: 'admin', body: { limits: [{ category: 'heating', urgency: 'normal', response: 'PT3H', resolution: 'PT30H' }] } });
    expect(refused.status, refused.text).to.equal(422);
    expect(refused.body.error.code).to.equal('category_unknown');
    // GN is not saihan's: neither is a limit on it.
    expect((await t.call('PUT', '/api/v1/sla/limits/saihan', { as: 'admin', body: { limits: [{ category: 'GN', urgency: 'normal', response: 'PT3H', resolution: 'PT30H' }] } })).status).to.equal(422);

    expect(t.app.sla.cache.limitFor('yuquan', 'GN01', 'normal')).to.include({ category: 'GN', resolution: 'PT30H' });
    expect(t.app.sla.cache.limitFor('yuquan', 'road', 'normal')).to.include({ region: 'default', category: 'road' });
    const c = await newCase('yuquan', 'GN01');
    expect(c.status, c.text).to.equal(201);
    const clocks = await t.db.knex('sla_clocks').where({ case_id: c.body.id }).whereIn('kind', ['response', 'resolution']).orderBy('kind');
    const now = t.clock.now().getTime();
    expect(clocks.map((k) => [k.kind, (new Date(k.due_at).getTime() - now) / 3_600_000])).to.deep.equal([['resolution', 30], ['response', 3]]);
  });

  it('Open311 services of yuquan list GN01 in group 供暖 (JSON and XML alike), and a request can be posted under it', async () => {
    const json = await open311(t, 'GET', '/services.json?jurisdiction_id=yuquan');
    expect(json.status, json.text).to.equal(200);
    const gn01 = json.body.find((s: { service_code: string }) => s.service_code === 'GN01');
    expect(gn01).to.deep.equal({
      service_code: 'GN01', service_name: '供暖温度不达标', description: '供暖 > 供暖温度不达标', metadata: false, type: 'realtime', keywords: '暖气不热,温度低', group: '供暖',
    });
    const codes = json.body.map((s: { service_code: string }) => s.service_code);
    expect(codes).to.not.include('veterans').and.not.include('GN');
    expect(json.body.find((s: { service_code: string }) => s.service_code === 'road')).to.include({ group: '城乡建设', service_name: '道路障碍/占道' });
    const xml = await open311(t, 'GET', '/services.xml?jurisdiction_id=yuquan');
    expect(readXml(xml.text, 'services').service).to.deep.equal(asXmlText(json.body));
    const saihan = await open311(t, 'GET', '/services.json?jurisdiction_id=saihan');
    expect(saihan.body.map((s: { service_code: string }) => s.service_code)).to.deep.equal(DEFAULT_LEAVES);

    const posted = await open311(t, 'POST', '/requests.json', { form: { jurisdiction_id: 'yuquan', service_code: 'GN01', address_string: '玉泉区大南街12号', description: '暖气不热' } });
    expect(posted.status, posted.text).to.equal(201);
    const got = await open311(t, 'GET', `/requests/${posted.body[0].service_request_id}.json?jurisdiction_id=yuquan`);
    expect(got.body[0]).to.include({ service_code: 'GN01', service_name: '供暖温度不达标' });
    const refused = await open311(t, 'POST', '/requests.json', { form: { jurisdiction_id: 'saihan', service_code: 'GN01', address_string: '赛罕区', description: '暖气不热' } });
    expect(refused.status, refused.text).to.equal(404);
    expect(refused.body[0].code).to.equal('service_code_unknown');
  });

  it('when a node is retired (停用), then it takes no new case, and its old cases still show it', async () => {
    const old = await newCase('yuquan', 'GN02', '小区停暖');
    expect(old.status, old.text).to.equal(201);
    const csv = (await t.call('GET', '/api/v1/regions/yuquan/catalogue.csv', { as: 'admin' })).text;
    const retired = csv.replace(/(GN02,停暖,[^\r\n]*),启用/, '$1,停用');
    expect(retired).to.not.equal(csv);
    const res = await put('/api/v1/regions/yuquan/catalogue.csv', retired, CSV);
    expect(res.status, res.text).to.equal(200);
    const node = flat(res.body.nodes).find((n) => n.code === 'GN02')!;
    expect(node).to.include({ active: false, selectable: false });

    const refused = await newCase('yuquan', 'GN02', '小区停暖');
    expect(refused.status, refused.text).to.equal(422);
    expect(refused.body.error.code).to.equal('category_retired');
    expect(refused.body.error.message).to.contain('GN02');
    expect((await caseDetail(t, old.body.id)).categoryPath).to.deep.equal([{ code: 'GN', name: '供暖' }, { code: 'GN02', name: '停暖' }]);
    const services = await open311(t, 'GET', '/services.json?jurisdiction_id=yuquan');
    expect(services.body.map((s: { service_code: string }) => s.service_code)).to.include('GN01').and.not.include('GN02');
    // Its requests are still found by its code, under the name they were taken in with.
    const found = await open311(t, 'GET', '/requests.json?jurisdiction_id=yuquan&service_code=GN02');
    expect(found.status, found.text).to.equal(200);
    expect(found.body.map((r: { service_name: string }) => r.service_name)).to.include('停暖');
    // Retiring the whole branch retires what is under it.
    const branchRetired = retired.replace(/^GN,供暖,,,([^\r\n]*),启用/m, 'GN,供暖,,,$1,停用');
    expect((await put('/api/v1/regions/yuquan/catalogue.csv', branchRetired, CSV)).status).to.equal(200);
    expect((await newCase('yuquan', 'GN01')).body.error.code).to.equal('category_retired');
  });

  it('the default tree cannot drop a node a region has put its own nodes under', async () => {
    const y = await tree('yuquan');
    const zh = y.nodes.find((n) => n.code === 'ZH')!;
    zh.children.push({ code: 'SB01', name: '社保', keywords: ['社保', '养老'], active: true, selectable: true, origin: 'region', children: [] });
    expect((await t.call('PUT', '/api/v1/regions/yuquan/catalogue', { as: 'admin', body: { nodes: y.nodes } })).status).to.equal(200);
    expect((await newCase('yuquan', 'SB01', '养老金')).status).to.equal(201);

    const d = await tree('default');
    const withoutZh = d.nodes.filter((n) => n.code !== 'ZH');
    const res = await t.call('PUT', '/api/v1/regions/default/catalogue', { as: 'admin', body: { nodes: withoutZh } });
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error.code).to.equal('catalogue_node_in_use');
    expect(res.body.error.message).to.contain('yuquan: SB01 under ZH');
    expect(await tree('default')).to.deep.equal(d);
  });
});
