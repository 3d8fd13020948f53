import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../server/app.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { around, conditional, definitions, processXml, timerCatch, userTask, validProcess } from '../../support/bpmn-samples.ts';

const HOSTILE_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'hostile');

/** Inline documents every deploy must refuse, with the rule the refusal must name. */
const INLINE: Array<{ name: string; xml: () => string; rule: string }> = [
  {
    name: 'a DOCTYPE with an ENTITY',
    xml: () => definitions('<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" name="&x;" /></bpmn:process>', '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x "boom">]>'),
    rule: 'xml-doctype',
  },
  { name: 'a document over 5 MB', xml: () => validProcess().replace('<bpmn:startEvent', `<!-- ${'x'.repeat(5 * 1024 * 1024 + 10)} --><bpmn:startEvent`), rule: 'xml-too-large' },
  { name: 'XML that is not well-formed', xml: () => validProcess().replace('</bpmn:process>', ''), rule: 'xml-not-well-formed' },
  { name: 'well-formed XML that is not BPMN', xml: () => '<?xml version="1.0"?><html><body>hello</body></html>', rule: 'not-bpmn' },
  { name: 'a duplicate id', xml: () => around('handle', `${userTask()}<bpmn:endEvent id="handle" />`), rule: 'moddle-warning' },
  { name: 'a script task', xml: () => around('run', '<bpmn:scriptTask id="run" scriptFormat="javascript"><bpmn:script>process.exit(1)</bpmn:script></bpmn:scriptTask>'), rule: 'script-not-allowed' },
  { name: 'a language= condition', xml: () => conditional('next(null, true)', ' language="javascript"'), rule: 'condition-language' },
  { name: 'a FEEL condition that does not parse', xml: () => conditional('=category = = "road" ((('), rule: 'feel-syntax' },
  { name: 'a zero timer cycle R/PT0S', xml: () => timerCatch('timeCycle', 'R/PT0S'), rule: 'timer-absurd' },
  { name: 'an 11-year duration P11Y', xml: () => timerCatch('timeDuration', 'P11Y'), rule: 'timer-absurd' },
  { name: 'a user task with neither groups nor assignee', xml: () => around('handle', userTask('')), rule: 'user-task-unassigned' },
  {
    name: 'a bpmn:Error errorCode that calls child_process',
    xml: () => validProcess().replace('<bpmn:process', '<bpmn:error id="boom" errorCode="${process.mainModule.require(&quot;child_process&quot;).execSync(&quot;id&quot;)}" />\n<bpmn:process'),
    rule: 'expression-not-lookup',
  },
  { name: 'a FEEL loop of 10^8 iterations in a condition', xml: () => conditional('=count(for i in 1..10000, j in 1..10000 return i) &gt; 0'), rule: 'feel-loop-too-large' },
  { name: 'a model of 100,000 elements', xml: () => processXml(Array.from({ length: 100_000 }, (_, i) => `<bpmn:task id="t${i}"/>`).join('')), rule: 'model-too-large' },
];

describe('definitions API: every bad document is refused with 422 and nothing is written', function () {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ processesDir: null });
  });
  after(async () => t?.close());

  const countDefinitions = async () => Number((await t.db.knex('definitions').count<{ n: number }[]>('* as n').first())!.n);

  async function expectRefused(xml: string, label: string): Promise<Array<{ elementId: string | null; rule: string; message: string }>> {
    const before = await countDefinitions();
    const res = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml } });
    expect(res.status, `${label}: ${res.text.slice(0, 300)}`).to.equal(422);
    expect(res.body.error.code, label).to.equal('definition_invalid');
    const problems = res.body.error.details.problems;
    expect(problems, label).to.be.an('array').that.is.not.empty;
    for (const p of problems) {
      expect(p, label).to.have.property('elementId');
      expect(p.rule, label).to.be.a('string').and.not.equal('');
      expect(p.message, label).to.be.a('string').and.not.equal('');
    }
    expect(await countDefinitions(), `${label} wrote a definition`).to.equal(before);
    return problems;
  }

  for (const c of INLINE) {
    it(`given ${c.name}, when deployed, then 422 naming ${c.rule}`, async () => {
      const problems = await expectRefused(c.xml(), c.name);
      expect(problems.map((p) => p.rule)).to.include(c.rule);
    });
  }

  it('given a model with two problems, when deployed, then both are reported with their element ids', async () => {
    const xml = processXml(`
      <bpmn:startEvent id="start" />
      ${userTask('', 'handle')}
      <bpmn:scriptTask id="extra" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>
      <bpmn:endEvent id="end" />
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
      <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="extra" />
      <bpmn:sequenceFlow id="f3" sourceRef="extra" targetRef="end" />`);
    const rules = (await expectRefused(xml, 'two problems')).map((p) => `${p.elementId}:${p.rule}`);
    expect(rules).to.include('handle:user-task-unassigned');
    expect(rules).to.include('extra:script-not-allowed');
  });

  describe('given the shared hostile fixtures', function () {
    before(function () {
      if (!fs.existsSync(HOSTILE_DIR)) {
        console.log(`${HOSTILE_DIR} is absent: skipping the hostile fixture deploys`);
        this.skip();
      }
    });

    // One test per file; when the folder is absent a single placeholder lets before() report the skip.
    const files = fs.existsSync(HOSTILE_DIR) ? fs.readdirSync(HOSTILE_DIR).filter((f) => fs.statSync(path.join(HOSTILE_DIR, f)).isFile()).sort() : ['(none)'];
    for (const file of files) {
      it(`when ${file} is deployed, then it is refused with 422`, async () => {
        await expectRefused(fs.readFileSync(path.join(HOSTILE_DIR, file), 'utf8'), file);
      });
    }
  });

  // Mocha runs a suite's own tests before its nested suites: this one comes last.
  describe('after every refusal', () => {
    it('given all those refusals, when a valid model is deployed, then the server still serves and deploys it', async () => {
      expect((await t.call('GET', '/healthz')).status).to.equal(200);
      const res = await t.call('POST', '/api/v1/definitions', { as: 'admin', body: { region: 'yuquan', xml: validProcess('after-hostile') } });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.version).to.equal(1);
    });
  });
});
