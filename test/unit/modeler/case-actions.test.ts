import { expect } from 'chai';
import { availableActions, type ActionCase } from '../../../modeler/src/features/case-actions/available.ts';
import type { SessionUser } from '../../../modeler/src/lib/session.ts';

const user = (role: SessionUser['role'], groups: string[] = []): SessionUser => ({ username: `yuquan.${role}`, displayName: role, role, regionId: 'yuquan', groups });
const atUnit: ActionCase = {
  id: 1, caseNo: 'YQ-1', region: 'yuquan', status: 'open', leaderClaim: null,
  openTasks: [{ id: 7, name: '现场核实', elementId: 'verify', kind: 'process', candidateGroups: ['city-management'], assignee: null, dueAt: '2026-03-03T00:00:00Z' }],
};

describe('case-page actions: which role may take which action in which state', () => {
  it('dispatchers: the desk actions while open, only 重办 once closed', () => {
    expect(availableActions(atUnit, user('dispatcher', ['dispatchers']))).to.deep.equal(['merge', 'transfer', 'notAccepted', 'coHandle', 'supervise', 'remind']);
    expect(availableActions({ ...atUnit, status: 'closed', openTasks: [] }, user('dispatcher'))).to.deep.equal(['reopen']);
  });

  it('leaders: 认领 until someone has, 督办/催办 only while a unit holds a task, 延期审批 when one waits', () => {
    expect(availableActions(atUnit, user('leader', ['leaders']))).to.deep.equal(['coHandle', 'claim', 'supervise', 'remind']);
    const claimed = { ...atUnit, leaderClaim: { by: 'yuquan.leader', at: 'x' }, openTasks: [...atUnit.openTasks, { ...atUnit.openTasks[0], id: 8, kind: 'extension_review', candidateGroups: ['leaders'] }] };
    expect(availableActions(claimed, user('leader', ['leaders']))).to.deep.equal(['coHandle', 'supervise', 'remind', 'extensionReview']);
    expect(availableActions({ ...atUnit, openTasks: [] }, user('leader'))).to.deep.equal(['coHandle', 'claim']);
  });

  it('handlers: 延期 on a unit task offered to them, nothing on others\' or on a closed case; auditors nothing', () => {
    expect(availableActions(atUnit, user('handler', ['city-management']))).to.deep.equal(['extension']);
    expect(availableActions(atUnit, user('handler', ['water-utility']))).to.deep.equal([]);
    expect(availableActions({ ...atUnit, openTasks: [{ ...atUnit.openTasks[0], assignee: 'someone.else' }] }, user('handler', ['city-management']))).to.deep.equal([]);
    expect(availableActions({ ...atUnit, status: 'closed' }, user('handler', ['city-management']))).to.deep.equal([]);
    expect(availableActions(atUnit, user('auditor'))).to.deep.equal([]);
  });
});
