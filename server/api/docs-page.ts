/**
 * The browsable API page at /api/docs: a small self-made page that renders
 * /api/openapi.json (no CDN, no extra package; works offline in a county office).
 * Its script is a file of its own (`/api/docs.js`, DOCS_SCRIPT): the CSP allows no inline script.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Bangni API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#222}header{background:#1f4e79;color:#fff;padding:12px 24px}
main{max-width:1100px;margin:0 auto;padding:12px 24px}h2{border-bottom:1px solid #ddd;margin-top:28px}
details{border:1px solid #ddd;border-radius:4px;margin:6px 0}summary{cursor:pointer;padding:6px 10px;font-family:monospace}
.m{display:inline-block;width:60px;font-weight:bold}.get{color:#2a7}.post{color:#27a}.put,.patch{color:#a72}.delete{color:#c33}
.roles{float:right;color:#666;font-family:system-ui}pre{background:#f6f6f6;padding:8px;overflow:auto;margin:0 10px 10px}
.sec{padding:0 10px}header a.raw{color:#cde}input{width:100%;box-sizing:border-box;padding:6px;margin:8px 0}
</style></head><body><header><b>Bangni (帮你) API</b> · <a class="raw" href="/api/openapi.json">openapi.json</a></header>
<main><p id="desc"></p><input id="filter" placeholder="filter: path, tag, summary"><div id="ops">loading…</div></main>
<script src="/api/docs.js" defer></script></body></html>`;

/** The docs page's script, served as /api/docs.js. */
export const DOCS_SCRIPT = `const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const json = (v) => '<pre>' + esc(JSON.stringify(v, null, 2)) + '</pre>';
fetch('/api/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('desc').textContent = doc.info.description;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags && op.tags[0]) || 'other';
    (byTag[tag] = byTag[tag] || []).push({ path, method, op });
  }
  const render = (f) => Object.keys(byTag).sort().map((tag) => {
    const items = byTag[tag].filter(({ path, op }) => !f || (tag + path + op.summary).toLowerCase().includes(f));
    if (!items.length) return '';
    return '<h2>' + esc(tag) + '</h2>' + items.map(({ path, method, op }) =>
      '<details><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span>' + esc(path) + ' — ' + esc(op.summary) +
      '<span class="roles">' + esc(Array.isArray(op['x-roles']) ? op['x-roles'].join(', ') : op['x-roles']) + '</span></summary>' +
      (op.description ? '<p class="sec">' + esc(op.description) + '</p>' : '') +
      (op.parameters && op.parameters.length ? '<p class="sec"><b>Parameters</b></p>' + json(op.parameters) : '') +
      (op.requestBody ? '<p class="sec"><b>Request body</b></p>' + json(op.requestBody.content) : '') +
      '<p class="sec"><b>Responses</b></p>' + json(op.responses) + '</details>').join('');
  }).join('');
  const box = document.getElementById('ops');
  box.innerHTML = render('');
  document.getElementById('filter').addEventListener('input', (e) => { box.innerHTML = render(e.target.value.toLowerCase()); });
});
`;
