import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { around } from '../../support/bpmn-samples.ts';
import { deployProcessFiles } from '../../../server/definitions/index.ts';

/**
 * A model may name only units and staff its region has: a misspelt unit is a 422 naming the
 * element, the name, and the unit it probably meant — in a fixed candidate group, in an
 * assignee, and in the dispatch form's choice of units behind `=department`.
 */
describe('deploy: every unit and user a model names exists in the region', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const task = (attrs: string, extension = '') =>
    around('handle', `<bpmn:userTask id="handle" name="办理" ${attrs}>${extension}</bpmn:userTask>`, 'names-test');
  const dispatchThenHandle = (values: string[]) =>
    around('pick', `<bpmn:userTask id="pick" name="派单" camunda:candidateGroups="dispatchers">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="department" label="承办单位" type="enum">
        ${values.map((v) => `<camunda:value id="${v}" name="${v}" />`).join('')}
      </camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>
      <bpmn:userTask id="handle" name="办理" camunda:candidateGroups="=department" />
      <bpmn:sequenceFlow id="pickToHandle" sourceRef="pick" targetRef="handle" />`, 'names-test').replace('id="toEnd" sourceRef="pick"', 'id="toEnd" sourceRef="handle"');

  const deploy = (region: string, xml: string, as = `${region}.designer`) => t.call('POST', '/api/v1/definitions', { as, body: { region, xml } });

  it('a misspelt candidate group is refused with the element, the name and a hint', async () => {
    const res = await deploy('yuquan', task('camunda:candidateGroups="dispatchers, city-managment"'));
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.code).to.equal('definition_invalid');
    const [p] = res.body.error.details.problems;
    expect(p).to.include({ elementId: 'handle', rule: 'unit-unknown' });
    expect(p.message).to.include('"city-managment"').and.include('Did you mean "city-management"');
    expect(p.line).to.be.a('number');
    expect((await t.call('GET', '/api/v1/definitions?region=yuquan', { as: 'yuquan.designer' })).body.items.map((d: { key: string }) => d.key)).to.not.include('names-test');
  });

  it('the dispatch form\'s unit choices behind =department are checked too', async () => {
    const res = await deploy('yuquan', dispatchThenHandle(['city-management', 'water-utilty']));
    expect(res.status, res.text).to.equal(422);
    const problems = res.body.error.details.problems;
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ elementId: 'pick', rule: 'unit-unknown' });
    expect(problems[0].message).to.include('water-utilty').and.include('form field department').and.include('"water-utility"');
  });

  it('an unknown assignee or candidate user is refused; a user of another region is unknown here', async () => {
    const res = await deploy('yuquan', task('camunda:assignee="saihan.handler" camunda:candidateUsers="yuquan.handler, yuquan.nobody"'));
    expect(res.status, res.text).to.equal(422);
    const names = res.body.error.details.problems.map((p: { rule: string; message: string }) => `${p.rule} ${p.message.split('"')[1]}`);
    expect(names).to.have.members(['user-unknown saihan.handler', 'user-unknown yuquan.nobody']);
  });

  it('a unit the admin adds can be named at once; computed groups and the citizen pass', async () => {
    expect((await deploy('yuquan', task('camunda:candidateGroups="heating-company"'))).status).to.equal(422);
    const unit = await t.call('PUT', '/api/v1/groups/yuquan/heating-company', { as: 'admin', body: { name: '热力公司' } });
    expect(unit.status, unit.text).to.equal(200);
    expect((await deploy('yuquan', task('camunda:candidateGroups="heating-company"'))).status).to.equal(201);
    expect((await deploy('yuquan', task('camunda:candidateGroups="=if urgent then &quot;leaders&quot; else &quot;x&quot;"'))).status).to.equal(201);
    expect((await deploy('yuquan', task('camunda:candidateGroups="citizen"'))).status).to.equal(201);
  });

  it('a shared (default) model needs its units in every region that runs it', async () => {
    // heating-company exists in yuquan only (above): the other regions would get cases nobody sees.
    const res = await deploy('default', task('camunda:candidateGroups="heating-company"'), 'admin');
    expect(res.status, res.text).to.equal(422);
    expect(res.body.error.details.problems[0].message).to.include('every region that runs the shared process');
    expect((await deploy('default', task('camunda:candidateGroups="city-management"'), 'admin')).status).to.equal(201);
  });

  it('a condition comparing the category with a code the catalogue does not have is refused', async () => {
    const branch = (condition: string) =>
      around('choose', `<bpmn:exclusiveGateway id="choose" default="toOther" />
        <bpmn:userTask id="roadTask" name="道路" camunda:candidateGroups="dispatchers" />
        <bpmn:userTask id="otherTask" name="其他" camunda:candidateGroups="dispatchers" />
        <bpmn:endEvent id="end2" />
        <bpmn:sequenceFlow id="toRoad" sourceRef="choose" targetRef="roadTask"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="toOther" sourceRef="choose" targetRef="otherTask" />
        <bpmn:sequenceFlow id="roadDone" sourceRef="roadTask" targetRef="end2" />`, 'names-cond').replace('id="toEnd" sourceRef="choose"', 'id="toEnd" sourceRef="otherTask"');
    const bad = await deploy('yuquan', branch('=category = "raod" or category in ["facility", "santiation"]'));
    expect(bad.status, bad.text).to.equal(422);
    const found = bad.body.error.details.problems.map((p: { elementId: string; rule: string; message: string }) => `${p.elementId} ${p.rule} ${p.message.split('"')[1]}`);
    expect(found).to.have.members(['toRoad category-unknown raod', 'toRoad category-unknown santiation']);
    expect(bad.body.error.details.problems[0].message).to.include('Did you mean "road"');
    expect((await deploy('yuquan', branch('=category = "road" or category in ["facility", "sanitation"]'))).status).to.equal(201);
  });

  it('a process file with an unknown unit still deploys at start-up, with a warning in the log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-names-'));
    fs.mkdirSync(path.join(dir, 'naiman'));
    fs.writeFileSync(path.join(dir, 'naiman', 'p.bpmn'), task('camunda:candidateGroups="no-such-unit"').replace(/names-test/g, 'file-names'));
    const lines: string[] = [];
    const { deployed } = await deployProcessFiles(t.app.ctx.knex, t.clock, dir, (m) => lines.push(m));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(deployed).to.have.length(1);
    expect(lines.join('\n')).to.include('warning: processes/naiman/p.bpmn names units or users').and.include('no-such-unit');
  });
});
