import { expect } from 'chai';
import type { TestApp } from '../support/app.ts';
import { loginAs, overflowsX, startBrowserApp, type BrowserSession } from '../support/browser.ts';

/** Staff read what an Open311 client sent beyond the request: attribute[…] answers and citizens' updates (issue 13 item 7). */
describe('e2e: Open311 attributes and citizens\' updates on the case page', function () {
  let t: TestApp;
  let b: BrowserSession;

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
  });
  after(async () => {
    await b?.close();
    await t?.close();
  });

  it('a dispatcher sees the attributes and the update a FixMyStreet-style client posted', async () => {
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${t.url}/open311/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const created = await post('requests.json', {
      jurisdiction_id: 'yuquan', service_code: 'water', address_string: '玉泉区大南街 12 号', description: '消防栓漏水', email: 'a@example.cn',
      'attribute[fixmystreet_id]': '9001', 'attribute[closest_address]': '大南街 12 号',
    });
    expect(created.status).to.equal(201);
    const caseNo = created.body[0].service_request_id;
    const update = await post('servicerequestupdates.json', { jurisdiction_id: 'yuquan', service_request_id: caseNo, description: '水越来越大了', update_id: 'fms-1' });
    expect(update.status).to.equal(201);
    const { id } = await t.db.knex('cases').where({ case_no: caseNo }).first('id');

    const page = await b.open('/login', { phone: true });
    await loginAs(page, 'yuquan.dispatcher');
    await page.goto(`/cases/${id}`);
    await page.waitForSelector('[data-test=citizen-input]');
    expect(await page.textContent('[data-test=case-attributes]')).to.contain('fixmystreet_id').and.contain('9001').and.contain('大南街 12 号');
    expect(await page.textContent('[data-test=citizen-updates]')).to.contain('水越来越大了');
    expect(await overflowsX(page)).to.equal(false);
    await b.screenshot(page, 'case-open311-input-phone');
  });
});
