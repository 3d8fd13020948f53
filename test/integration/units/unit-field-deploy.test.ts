import { expect } from 'chai';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { around } from '../../support/bpmn-samples.ts';
import { complete, openTask, submit } from '../../support/cases.ts';

/**
 * A `unit` form field picks from the region's directory: behind `=department` any unit is
 * valid at deploy, and only the code of its `subtree` property must be a unit of the region.
 */
describe('deploy and run a model with a unit form field (type="unit", optional subtree)', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const model = (key: string, subtree?: string) =>
    around('pick', `<bpmn:userTask id="pick" name="派单" camunda:candidateGroups="dispatchers">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="department" label="承办单位" type="unit">
        ${subtree ? `<camunda:properties><camunda:property id="subtree" value="${subtree}" /></camunda:properties>` : ''}
        <camunda:validation><camunda:constraint name="required" /></camunda:validation>
      </camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>
      <bpmn:userTask id="handle" name="办理" camunda:candidateGroups="=department" />
      <bpmn:sequenceFlow id="pickToHandle" sourceRef="pick" targetRef="handle" />`, key).replace('id="toEnd" sourceRef="pick"', 'id="toEnd" sourceRef="handle"');
  const deploy = (xml: string) => t.call('POST', '/api/v1/definitions', { as: 'zhalaite.designer', body: { region: 'zhalaite', xml } });

  it('given =department behind a unit field, when it is deployed, then no unit is unknown', async () => {
    const res = await deploy(model('unit-any'));
    expect(res.status, res.text).to.equal(201);
  });

  it('given a subtree code that is no unit, when it is deployed, then 422 unit-unknown names the field and the nearest unit', async () => {
    const res = await deploy(model('unit-typo', 'yinder-twn'));
    expect(res.status, res.text).to.equal(422);
    const [p] = res.body.error.details.problems;
    expect(p).to.include({ elementId: 'pick', rule: 'unit-unknown' });
    expect(p.message).to.include('form field department').and.include('"yinder-town"');
  });

  it('given a subtree, when the case runs, then the field offers only the units below it and refuses others', async () => {
    expect((await deploy(model('unit-sub', 'yinder-town'))).status).to.equal(201);
    const c = await submit(t, { region: 'zhalaite', category: 'water', processKey: 'unit-sub' });
    const pick = await openTask(t, c.id, 'pick');
    const read = await t.call('GET', `/api/v1/tasks/${pick.id}`, { as: 'zhalaite.dispatcher' });
    const field = read.body.form.fields[0];
    expect(field).to.include({ type: 'unit', subtree: 'yinder-town' });
    expect(field.values.map((v: { id: string }) => v.id)).to.deep.equal(['jiefang-community', 'jiefang-property']);
    const refused = await t.call('POST', `/api/v1/tasks/${pick.id}/complete`, { as: 'zhalaite.dispatcher', body: { variables: { department: 'city-management' } } });
    expect(refused.status).to.equal(422);
    await complete(t, c.id, 'pick', 'zhalaite.dispatcher', { department: 'jiefang-community' });
    expect((await openTask(t, c.id, 'handle')).candidateGroups).to.deep.equal(['jiefang-community']);
  });
});
