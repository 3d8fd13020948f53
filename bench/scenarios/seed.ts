import type pg from 'pg';

const REGIONS = ['saihan', 'yuquan', 'hongshan', 'siziwang', 'dongsheng', 'naiman', 'haibowan', 'zhalaite', 'default'];
const GROUPS = ['dispatchers', 'city-management', 'community', 'street-office', 'housing', 'water-utility', 'property-office', 'leaders'];
const TITLES = ['路灯不亮', '小区垃圾清运不及时', '道路坑洼积水', '夜间施工噪音扰民', '自来水停水', '楼道堆放杂物', '退役军人优待咨询', '供暖温度不达标', '违章搭建投诉'];
const sqlList = (xs: string[]) => `array[${xs.map((x) => `'${x}'`).join(',')}]`;

/**
 * Copies a real case (engine state, variables, chain head) `n` times with one
 * set-based statement, so seeded cases can be resumed by the engine like real
 * ones. Returns the first and last new id. `set` overrides columns (SQL over g,
 * the series number); the state text may be rewritten (e.g. a timer's expiry).
 */
export async function cloneCases(
  c: pg.Client,
  templateId: number,
  n: number,
  opts: { tag: string; set?: Record<string, string>; stateReplace?: [string, string] },
): Promise<{ first: number; last: number }> {
  const set = opts.set ?? {};
  const state = opts.stateReplace ? `replace(t.engine_state::text, '${opts.stateReplace[0]}', '${opts.stateReplace[1]}')::jsonb` : 't.engine_state';
  const res = await c.query(
    `insert into cases (region_id, case_no, definition_id, process_key, status, category, urgency, title, description, channel,
       variables, engine_state, state_version, next_wake_at, event_seq, event_hash, created_at, updated_at)
     select ${set.region_id ?? 't.region_id'}, t.case_no || '-${opts.tag}-' || g, t.definition_id, t.process_key, 'open', t.category, t.urgency,
       ${set.title ?? 't.title'}, t.description, t.channel, t.variables, ${state}, t.state_version, ${set.next_wake_at ?? 't.next_wake_at'},
       t.event_seq, t.event_hash, ${set.created_at ?? 't.created_at'}, t.updated_at
     from cases t, generate_series(1, $2::int) g where t.id = $1
     returning id`,
    [templateId, n],
  );
  const ids = res.rows.map((r: { id: number }) => Number(r.id));
  return { first: Math.min(...ids), last: Math.max(...ids) };
}

/** Copies the template case's open task onto each cloned case, with varied groups and due times. */
export async function cloneOpenTasks(c: pg.Client, templateId: number, range: { first: number; last: number }, now: Date) {
  await c.query(
    `insert into tasks (case_id, region_id, execution_id, element_id, name, candidate_groups, status, due_at, form, created_at)
     select k.id, k.region_id, t.execution_id, t.element_id, t.name,
       array[(${sqlList(GROUPS)})[1 + k.id % ${GROUPS.length}]], 'open',
       $2::timestamptz + ((k.id % 8000) - 3000) * interval '1 minute', t.form, k.created_at
     from cases k, tasks t where k.id between $3 and $4 and t.case_id = $1 and t.status = 'open'`,
    [templateId, now, range.first, range.last],
  );
}

/**
 * A year of history: `n` closed cases over the regions, each with its completed
 * task, in two set-based statements.
 */
export async function seedClosedCases(c: pg.Client, definitionId: number, n: number, now: Date) {
  await c.query(
    `insert into cases (region_id, case_no, definition_id, process_key, status, category, urgency, title, description, channel,
       variables, state_version, event_seq, created_at, updated_at, closed_at, end_element_id)
     select (${sqlList(REGIONS)})[1 + g % ${REGIONS.length}], 'HIST' || g, $1, 'bench-one-task', 'closed',
       (array['road','facility','sanitation','noise','water'])[1 + g % 5], 'normal',
       (${sqlList(TITLES)})[1 + g % ${TITLES.length}] || ' #' || g, '历史诉求 ' || g, 'app', '{}'::jsonb, 2, 4,
       $2::timestamptz - (g % 365) * interval '1 day', $2::timestamptz - (g % 365) * interval '1 day' + interval '2 hours',
       $2::timestamptz - (g % 365) * interval '1 day' + interval '2 hours', 'end'
     from generate_series(1, $3::int) g`,
    [definitionId, now, n],
  );
  await c.query(
    `insert into tasks (case_id, region_id, execution_id, element_id, name, candidate_groups, status, completed_by, created_at, ended_at)
     select id, region_id, 'work_hist', 'work', '处理', '{dispatchers}', 'completed', 'bench', created_at, closed_at
     from cases where case_no like 'HIST%'`,
  );
  await c.query('analyze cases');
  await c.query('analyze tasks');
}
