import { expect } from 'chai';
import type { TestApp } from './app.ts';

/** Submits a case as a citizen (no login) and returns its id. */
export async function submit(t: TestApp, body: Record<string, unknown>): Promise<{ id: number; caseNo: string }> {
  const res = await t.call('POST', '/api/v1/cases', { body: { title: '路灯不亮', description: '小区门口路灯坏了', ...body } });
  expect(res.status, res.text).to.equal(201);
  return res.body;
}

export async function caseDetail(t: TestApp, id: number, as = 'admin') {
  const res = await t.call('GET', `/api/v1/cases/${id}`, { as });
  expect(res.status, res.text).to.equal(200);
  return res.body;
}

/** The one open task of the case at this element (fails if there is not exactly one). */
export async function openTask(t: TestApp, caseId: number, elementId: string) {
  const detail = await caseDetail(t, caseId);
  const found = detail.openTasks.filter((x: { elementId: string }) => x.elementId === elementId);
  expect(found, `open tasks: ${detail.openTasks.map((x: { elementId: string }) => x.elementId).join(', ')}`).to.have.length(1);
  return found[0];
}

export async function openElements(t: TestApp, caseId: number): Promise<string[]> {
  const detail = await caseDetail(t, caseId);
  return detail.openTasks.map((x: { elementId: string }) => x.elementId).sort();
}

export async function complete(t: TestApp, caseId: number, elementId: string, as: string, variables: Record<string, unknown>) {
  const task = await openTask(t, caseId, elementId);
  const res = await t.call('POST', `/api/v1/tasks/${task.id}/complete`, { as, body: { variables } });
  expect(res.status, res.text).to.equal(200);
  return res.body;
}
