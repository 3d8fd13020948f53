import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { decideBuild, writeStamp, STAMP } from '../../../scripts/build-stamp.ts';

describe('npm start builds only when the sources changed since the last build', () => {
  let root: string;
  const sources = ['server', 'modeler/index.html', 'package-lock.json'];
  const outputs = ['dist/server/main.js', 'modeler/dist/index.html'];
  const decide = () => decideBuild(root, { sources, outputs });
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-build-'));
    put('server/main.ts', 'listen()');
    put('server/cases/open.ts', 'open()');
    put('modeler/index.html', '<main id="outlet"></main>');
    put('package-lock.json', '{}');
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** What a successful `npm run build` leaves: the outputs, then (postbuild) the stamp. */
  const build = () => {
    for (const o of outputs) put(o, 'built');
    writeStamp(root, sources);
  };

  it('builds on a fresh checkout, where nothing was built', () => {
    expect(decide()).to.deep.include({ build: true });
    expect(decide().reason).to.contain('missing');
  });

  it('builds when the outputs exist but no build left a stamp', () => {
    for (const o of outputs) put(o, 'built');
    expect(decide()).to.deep.equal({ build: true, reason: `building: no ${STAMP} from an earlier build` });
  });

  it('does not build again when nothing changed', () => {
    build();
    expect(decide()).to.deep.equal({ build: false, reason: 'build is up to date with the sources: not rebuilding' });
  });

  it('does not build when a file is only touched (a checkout), since it compares contents', () => {
    build();
    const file = path.join(root, 'server/main.ts');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    expect(decide().build).to.equal(false);
  });

  it('builds after an edit, a new file, a deleted file or a new lock file', () => {
    const changes = [
      () => put('server/cases/open.ts', 'open(2)'),
      () => put('server/cases/close.ts', 'close()'),
      () => fs.rmSync(path.join(root, 'server/cases/open.ts')),
      () => put('package-lock.json', '{"lockfileVersion":3}'),
      () => put('modeler/index.html', '<main></main>'),
    ];
    for (const change of changes) {
      build();
      change();
      expect(decide(), String(change)).to.deep.equal({ build: true, reason: 'building: sources changed since the last build' });
    }
  });

  it('builds when an output was removed, whatever the stamp says', () => {
    build();
    fs.rmSync(path.join(root, 'modeler/dist'), { recursive: true });
    expect(decide()).to.deep.equal({ build: true, reason: 'building: modeler/dist/index.html missing' });
  });

  it('ignores files outside the sources (data/, test results)', () => {
    build();
    put('data/pglite/base', 'rows');
    put('test-results/x.json', '{}');
    expect(decide().build).to.equal(false);
  });
});
