import { t } from '../i18n/index.ts';

export interface WeekPoint {
  week: string;
  breaches: number;
  /** On-time closure share 0..1, or null when nothing closed that week. */
  onTime: number | null;
}

const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Bars: breaches per week (left axis); line: on-time closure share (right axis, 0–100%). */
export function weeklyChart(points: WeekPoint[]): SVGSVGElement {
  const W = 640;
  const H = 240;
  const pad = { l: 36, r: 40, t: 16, b: 36 };
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': t('audit.chart') });
  // A multiple of 4 keeps the four grid steps on whole numbers.
  const max = Math.max(4, Math.ceil(Math.max(...points.map((p) => p.breaches)) / 4) * 4);
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const step = iw / Math.max(1, points.length);
  const y = (n: number) => pad.t + ih - (n / max) * ih;
  const yr = (share: number) => pad.t + ih - share * ih;
  for (let i = 0; i <= 4; i++) {
    const gy = pad.t + (ih * i) / 4;
    root.appendChild(svg('line', { x1: pad.l, x2: W - pad.r, y1: gy, y2: gy, class: 'grid-line' }));
    root.appendChild(svg('text', { x: pad.l - 6, y: gy + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(max - (max * i) / 4))));
    root.appendChild(svg('text', { x: W - pad.r + 6, y: gy + 4, class: 'axis' }, `${100 - i * 25}%`));
  }
  const line: string[] = [];
  points.forEach((p, i) => {
    const x = pad.l + i * step;
    const bh = pad.t + ih - y(p.breaches);
    const bar = svg('rect', { x: x + step * 0.2, y: y(p.breaches), width: step * 0.6, height: Math.max(0, bh), class: 'bar' });
    bar.appendChild(svg('title', {}, `${p.week}: ${p.breaches}`));
    root.appendChild(bar);
    root.appendChild(svg('text', { x: x + step / 2, y: H - pad.b + 16, 'text-anchor': 'middle', class: 'axis' }, p.week.slice(5)));
    if (p.onTime !== null) line.push(`${x + step / 2},${yr(p.onTime)}`);
  });
  if (line.length) {
    root.appendChild(svg('polyline', { points: line.join(' '), class: 'rate-line' }));
    for (const pt of line) {
      const [cx, cy] = pt.split(',');
      root.appendChild(svg('circle', { cx, cy, r: 3, class: 'rate-dot' }));
    }
  }
  return root;
}

/** Monday (UTC date) of the week containing `d`, as YYYY-MM-DD. */
export function weekOf(d: Date): string {
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}
