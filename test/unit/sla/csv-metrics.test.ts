import { expect } from 'chai';
import { toCsv, csvCell } from '../../../server/audit/index.ts';
import { computeMetrics, type MetricsCase } from '../../../server/sla/metrics.ts';
import { METRICS } from '../../../server/sla/metrics-config.ts';

describe('audit/csv: exports that open in Excel and WPS', () => {
  it('starts with a UTF-8 BOM, ends lines with CRLF and quotes per RFC 4180', () => {
    const csv = toCsv(['工单编号', '说明'], [['YQ1', 'a,b'], ['YQ2', 'say "hi"\nnext line'], ['YQ3', null]]);
    expect(csv.charCodeAt(0)).to.equal(0xfeff);
    expect(csv).to.equal('\uFEFF工单编号,说明\r\nYQ1,"a,b"\r\nYQ2,"say ""hi""\nnext line"\r\nYQ3,\r\n');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).to.equal(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+86 123')).to.equal("'+86 123");
    expect(csvCell(-3)).to.equal('-3'); // numbers stay numbers
  });
});

describe('sla/metrics: the formulas of metrics-config', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 2, 1) + h * 3_600_000);
  const base = (id: number, over: Partial<MetricsCase>): MetricsCase => ({
    caseId: id, caseNo: `C${id}`, region: 'yuquan', group: 'housing', category: 'road', createdAt: at(0), closedAt: null,
    response: { due: at(10), stopped: null }, resolution: { started: at(0), due: at(100), stopped: null }, evaluations: [], ...over,
  });

  it('counts what is due by the cut-off, on time, and the citizen scores', () => {
    const cases = [
      base(1, { response: { due: at(10), stopped: at(5) }, resolution: { started: at(0), due: at(100), stopped: at(50) }, closedAt: at(60), evaluations: [{ score: 5, comment: '好', at: at(60) }] }),
      base(2, { response: { due: at(10), stopped: at(20) }, resolution: { started: at(0), due: at(100), stopped: at(120) }, closedAt: at(130), evaluations: [{ score: 2, comment: '慢', at: at(130) }] }),
      base(3, { response: { due: at(10), stopped: null }, resolution: { started: at(0), due: at(300), stopped: null } }), // response overdue, resolution not yet due
      base(4, { response: { due: at(500), stopped: null }, resolution: { started: at(0), due: at(600), stopped: null } }), // nothing due yet
      base(5, { response: { due: at(10), stopped: at(1) }, resolution: { started: at(0), due: at(100), stopped: at(30) }, closedAt: at(200), evaluations: [{ score: 4, comment: null, at: at(200) }] }),
    ];
    const { counts, rates } = computeMetrics(cases, at(250));
    expect(counts).to.include({ received: 5, closed: 3, open: 2, responseDue: 4, respondedOnTime: 2, resolutionDue: 3, resolvedOnTime: 2, evaluated: 3, resolvedByCitizen: 2, satisfiedWeighted: 2 });
    expect(counts.medianHandlingHours).to.equal(50); // 30, 50, 120
    expect(rates).to.deep.equal({ responseRate: 0.5, resolutionRate: 0.6667, satisfactionRate: 0.6667, onTimeClosureRate: 0.6667, closureRate: 0.6 });
    expect(METRICS.rates.satisfactionRate.label).to.equal('满意率');
  });

  it('counts the latest evaluation of a reopened (重办) case by default, or every one when asked', () => {
    const reopened = base(1, { evaluations: [{ score: 1, comment: '没修好', at: at(10) }, { score: 5, comment: '好', at: at(90) }] });
    expect(METRICS.evaluationsCounted).to.equal('latest');
    expect(computeMetrics([reopened], at(100)).counts).to.include({ evaluated: 1, satisfiedWeighted: 1 });
    expect(computeMetrics([reopened], at(50)).counts).to.include({ evaluated: 1, satisfiedWeighted: 0 }); // the second not yet given
    expect(computeMetrics([reopened], at(100), 'every').counts).to.include({ evaluated: 2, satisfiedWeighted: 1, resolvedByCitizen: 1 });
  });

  it('gives null, not 0 or NaN, when nothing is due', () => {
    expect(computeMetrics([], at(0)).rates.responseRate).to.equal(null);
  });
});
