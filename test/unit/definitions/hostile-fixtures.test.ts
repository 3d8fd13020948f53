import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateBpmn } from '../../../server/definitions/validate.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixturesRoot = path.resolve(repoRoot, '..', 'shared', 'fixtures');
const hostileDir = path.join(fixturesRoot, 'hostile');

/** Why each known hostile file must be refused: the rule that names the real danger. */
const EXPECTED_RULE: Record<string, string> = {
  'billion-laughs.bpmn': 'xml-doctype',
  'xxe-file.bpmn': 'xml-doctype',
  'empty.bpmn': 'xml-not-well-formed',
  'unclosed-tags.bpmn': 'xml-not-well-formed',
  'non-bpmn.xml': 'not-bpmn',
  'missing-flow-target.bpmn': 'moddle-warning',
  'no-start-event.bpmn': 'lint/start-event-required',
  'script-sandbox-escape.bpmn': 'script-not-allowed',
};

function filesIn(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesIn(full, pattern));
    else if (pattern.test(entry.name)) found.push(full);
  }
  return found.sort();
}

describe('definitions/validate against shared fixtures', function () {
  before(function () {
    if (!fs.existsSync(hostileDir)) {
      console.log('../shared/fixtures absent: skipping hostile fixture tests');
      this.skip();
    }
  });

  describe('given each hostile fixture', () => {
    it('when validated, then it is refused with at least one problem, for the expected reason', async () => {
      const files = fs.readdirSync(hostileDir).filter((f) => fs.statSync(path.join(hostileDir, f)).isFile());
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) {
        const result = await validateBpmn(fs.readFileSync(path.join(hostileDir, file), 'utf8'));
        expect(result.ok, `${file} was accepted`).to.equal(false);
        expect(result.problems.length, file).to.be.greaterThan(0);
        const expected = EXPECTED_RULE[file];
        if (expected) expect(result.problems.map((p) => p.rule), file).to.include(expected);
      }
    });

    it('when a DOCTYPE fixture is validated, then nothing is parsed: xml-doctype is the only rule', async () => {
      for (const file of ['billion-laughs.bpmn', 'xxe-file.bpmn']) {
        const full = path.join(hostileDir, file);
        if (!fs.existsSync(full)) continue;
        const result = await validateBpmn(fs.readFileSync(full, 'utf8'));
        expect(new Set(result.problems.map((p) => p.rule)), file).to.deep.equal(new Set(['xml-doctype']));
      }
    });
  });

  describe('given the miwg and realistic fixtures', () => {
    it('when each is validated, then the validator returns a result without throwing', async () => {
      const files = ['miwg', 'realistic']
        .map((dir) => path.join(fixturesRoot, dir))
        .filter((dir) => fs.existsSync(dir))
        .flatMap((dir) => filesIn(dir, /\.(bpmn|xml)$/i));
      for (const file of files) {
        let result;
        try {
          result = await validateBpmn(fs.readFileSync(file, 'utf8'));
        } catch (err) {
          expect.fail(`${path.relative(fixturesRoot, file)} threw: ${String(err)}`);
        }
        expect(result.ok, file).to.be.a('boolean');
        if (!result.ok) {
          expect(result.problems.length, file).to.be.greaterThan(0);
          expect(result.problems.map((p) => p.rule), file).to.not.include('validator-error');
        }
      }
    });
  });
});
