import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
// The server's own rule set: the canvas lints with exactly what a deploy will be checked against.
import { RULES } from '../server/definitions/validate/lint.ts';

const LINT_MODULE = 'virtual:bangni-lint-config';

/**
 * Generates the bpmn-js-bpmnlint `{ config, resolver }` module from the server's rule list at
 * build time (what `bpmnlint-pack-config` would do for a `.bpmnlintrc`), so the browser bundles
 * only those rules and nobody keeps a second list by hand.
 */
function lintConfigPlugin(): Plugin {
  return {
    name: 'bangni-lint-config',
    resolveId: (id) => (id === LINT_MODULE ? `\0${LINT_MODULE}` : undefined),
    load(id) {
      if (id !== `\0${LINT_MODULE}`) return undefined;
      const names = Object.keys(RULES);
      const imports = names.map((n, i) => `import rule${i} from 'bpmnlint/rules/${n}';`).join('\n');
      const table = names.map((n, i) => `  ${JSON.stringify(n)}: rule${i},`).join('\n');
      // Plus Bangni's own deploy rules, wrapped as one bpmnlint rule (bpmnlint-plugin-bangni).
      const serverRules = JSON.stringify(path.join(import.meta.dirname, 'src/features/server-rules/rule.ts'));
      return `${imports}
import serverRules from ${serverRules};
const rules = {
${table}
};
export const config = { rules: ${JSON.stringify({ ...RULES, 'bangni/server-rules': 'error' })} };
export const resolver = {
  resolveRule(pkg, name) {
    const rule = pkg === 'bpmnlint' ? rules[name] : pkg === 'bpmnlint-plugin-bangni' && name === 'server-rules' ? serverRules : undefined;
    if (!rule) throw new Error('unknown lint rule ' + pkg + '/' + name);
    return rule;
  },
  resolveConfig(pkg, name) {
    throw new Error('no lint config ' + pkg + '/' + name);
  },
};
export default { config, resolver };
`;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [lintConfigPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    sourcemap: true,
    // The timing notice is about our one small virtual module; it is noise in `npm ci` output.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
