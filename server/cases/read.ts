import type { Knex } from 'knex';
import { notFound } from '../errors/index.ts';
import { attachmentView, commentView } from './notes.ts';
import { caseUnitNames, unitFieldChoices, withUnitChoices } from '../units/index.ts';

export const CASE_COLUMNS = [
  'id', 'region_id', 'case_no', 'definition_id', 'process_key', 'status', 'category', 'category_path', 'urgency', 'title', 'description',
  'location', 'channel', 'community', 'variables', 'state_version', 'next_wake_at', 'incident', 'end_element_id',
  'created_at', 'updated_at', 'closed_at', 'confidential', 'reopen_count', 'parent_case_id', 'leader_claimed_by',
  'leader_claimed_at', 'close_kind', 'close_reason', 'attributes',
];

export function caseView(row: Record<string, unknown>) {
  return {
    id: row.id,
    caseNo: row.case_no,
    region: row.region_id,
    definitionId: row.definition_id,
    processKey: row.process_key,
    status: row.status,
    category: row.category,
    /** The catalogue path `[{code, name}, …]` (top level first) as it was at intake. */
    categoryPath: row.category_path ?? null,
    urgency: row.urgency,
    title: row.title,
    description: row.description,
    location: row.location,
    channel: row.channel,
    community: row.community,
    variables: row.variables,
    stateVersion: row.state_version,
    nextWakeAt: row.next_wake_at,
    incident: row.incident,
    endElementId: row.end_element_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    confidential: row.confidential ?? false,
    reopenCount: row.reopen_count ?? 0,
    parentCaseId: row.parent_case_id ? Number(row.parent_case_id) : null,
    leaderClaim: row.leader_claimed_by ? { by: row.leader_claimed_by, at: row.leader_claimed_at } : null,
    closeKind: row.close_kind ?? null,
    closeReason: row.close_reason ?? null,
    /** Open311 `attribute[code]` answers the request came with, as sent. */
    attributes: row.attributes ?? null,
  };
}

/** A case with its open tasks and its whole timeline. */
export async function getCaseDetail(knex: Knex, id: number) {
  const row = await knex('cases').where({ id }).first(CASE_COLUMNS);
  if (!row) throw notFound('Case', id);
  const [tasks, events, comments, attachments, children] = await Promise.all([
    knex('tasks').where({ case_id: id }).orderBy('id'),
    knex('case_events').where({ case_id: id }).orderBy('seq').select('seq', 'at', 'actor', 'type', 'data'),
    knex('case_comments').where({ case_id: id }).orderBy('id'),
    knex('case_attachments').where({ case_id: id }).orderBy('id'),
    knex('cases').where({ parent_case_id: id }).orderBy('id').select('id', 'case_no', 'status'),
  ]);
  // Citizens' updates (Open311 servicerequestupdates): their words for staff; the author stays sealed.
  const citizenUpdates = await knex('citizen_updates').where({ case_id: id }).orderBy('id').select('id', 'body', 'channel', 'media_url', 'created_at');
  return {
    ...caseView(row),
    comments: comments.map(commentView),
    attachments: attachments.map(attachmentView),
    citizenUpdates: citizenUpdates.map((u: Record<string, any>) => ({ id: Number(u.id), body: u.body, channel: u.channel, mediaUrl: u.media_url ?? null, at: u.created_at })),
    mergedCases: children.map((c: Record<string, unknown>) => ({ id: Number(c.id), caseNo: c.case_no, status: c.status })),
    // A unit field lists the region's units now (server/units/form-field.ts), as GET /tasks/:id does.
    openTasks: await Promise.all(tasks.filter((t: { status: string }) => t.status === 'open').map(async (t: Record<string, any>) => ({ ...taskView(t), form: withUnitChoices(t.form, await unitFieldChoices(knex, row.region_id, t.form?.fields)) }))),
    tasks: tasks.map(taskView),
    timeline: events,
    /** Names of the units the tasks and the timeline name, by code. */
    unitNames: await caseUnitNames(knex, row.region_id, tasks, events),
  };
}

export function taskView(t: Record<string, unknown>) {
  return {
    id: t.id,
    caseId: t.case_id,
    region: t.region_id,
    executionId: t.execution_id,
    elementId: t.element_id,
    name: t.name,
    candidateGroups: t.candidate_groups,
    candidateUsers: t.candidate_users,
    assignee: t.assignee,
    status: t.status,
    dueAt: t.due_at,
    followUpAt: t.follow_up_at,
    priority: t.priority,
    form: t.form,
    outcome: t.outcome,
    completedBy: t.completed_by,
    createdAt: t.created_at,
    endedAt: t.ended_at,
    kind: t.kind ?? 'process',
    subjectTaskId: t.subject_task_id ? Number(t.subject_task_id) : null,
    request: t.request ?? null,
    claimedAt: t.claimed_at ?? null,
    onHold: t.on_hold ?? false,
    /** The latest 督办/催办 on the task (server/cases/urge.ts), and how many it has had. */
    urge: t.urge ?? null,
    urgeCount: Number(t.urge_count ?? 0),
  };
}

/** The sealed contact columns of a case, for `contactFor` to unmask or mask by the viewer's role. */
export async function caseContactRow(knex: Knex, caseId: number) {
  return knex('cases').where({ id: caseId }).first('region_id', 'confidential', 'contact_name_enc', 'contact_phone_enc', 'contact_id_enc');
}
