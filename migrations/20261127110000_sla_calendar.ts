import type { Knex } from 'knex';

/**
 * Working calendars: statutory holidays and 调休 make-up working days per
 * region (rows of region `default` apply everywhere; a region's own rows
 * override them), the years whose arrangement is loaded, and office hours.
 * Seeded by hand from the State Council notices for 2025 (国办发明电〔2024〕12号)
 * and 2026 (gov.cn/zhengce/zhengceku/202511/content_7047091.htm). The data is
 * written out here, not imported, so this migration never changes afterwards.
 */
type Row = [string, 'holiday' | 'workday', string];

const range = (from: string, to: string, name: string): Row[] => {
  const out: Row[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push([new Date(t).toISOString().slice(0, 10), 'holiday', name]);
  }
  return out;
};
const work = (day: string, name: string): Row => [day, 'workday', name];

const Y2025: Row[] = [
  ...range('2025-01-01', '2025-01-01', '元旦'),
  ...range('2025-01-28', '2025-02-04', '春节'),
  work('2025-01-26', '春节调休上班'),
  work('2025-02-08', '春节调休上班'),
  ...range('2025-04-04', '2025-04-06', '清明节'),
  ...range('2025-05-01', '2025-05-05', '劳动节'),
  work('2025-04-27', '劳动节调休上班'),
  ...range('2025-05-31', '2025-06-02', '端午节'),
  ...range('2025-10-01', '2025-10-08', '国庆节、中秋节'),
  work('2025-09-28', '国庆节调休上班'),
  work('2025-10-11', '国庆节调休上班'),
];

const Y2026: Row[] = [
  ...range('2026-01-01', '2026-01-03', '元旦'),
  work('2026-01-04', '元旦调休上班'),
  ...range('2026-02-15', '2026-02-23', '春节'),
  work('2026-02-14', '春节调休上班'),
  work('2026-02-28', '春节调休上班'),
  ...range('2026-04-04', '2026-04-06', '清明节'),
  ...range('2026-05-01', '2026-05-05', '劳动节'),
  work('2026-05-09', '劳动节调休上班'),
  ...range('2026-06-19', '2026-06-21', '端午节'),
  ...range('2026-09-25', '2026-09-27', '中秋节'),
  ...range('2026-10-01', '2026-10-07', '国庆节'),
  work('2026-09-20', '国庆节调休上班'),
  work('2026-10-10', '国庆节调休上班'),
];

/** The seeded rows, exported for tests that check the arithmetic on the real arrangement. */
export const CALENDAR_SEED: Record<number, Row[]> = { 2025: Y2025, 2026: Y2026 };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_years', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.integer('year').notNullable();
    t.text('source');
    t.text('loaded_by').notNullable();
    t.timestamp('loaded_at', { useTz: true }).notNullable();
    t.primary(['region_id', 'year']);
  });
  await knex.schema.createTable('calendar_days', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.date('day').notNullable();
    t.text('kind').notNullable(); // holiday | workday
    t.text('name');
    t.primary(['region_id', 'day']);
  });
  await knex.raw("alter table calendar_days add constraint calendar_days_kind check (kind in ('holiday', 'workday'))");
  await knex.schema.createTable('office_hours', (t) => {
    t.text('region_id').primary().references('regions.id');
    t.text('time_zone').notNullable().defaultTo('Asia/Shanghai');
    // [["08:30","12:00"],["14:30","18:00"]]: local opening periods of a working day.
    t.jsonb('periods').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  // The regions table is filled at start-up; the calendar's rows need `default` now.
  await knex('regions').insert({ id: 'default', name: '默认', case_prefix: 'DF' }).onConflict('id').ignore();
  const at = new Date('2026-11-27T11:00:00Z');
  await knex('calendar_years').insert([
    { region_id: 'default', year: 2025, source: '国务院办公厅关于2025年部分节假日安排的通知', loaded_by: 'migration', loaded_at: at },
    { region_id: 'default', year: 2026, source: '国务院办公厅关于2026年部分节假日安排的通知', loaded_by: 'migration', loaded_at: at },
  ]);
  await knex('calendar_days').insert([...Y2025, ...Y2026].map(([day, kind, name]) => ({ region_id: 'default', day, kind, name })));
  await knex('office_hours').insert({
    region_id: 'default',
    time_zone: 'Asia/Shanghai',
    periods: JSON.stringify([
      ['08:30', '12:00'],
      ['14:30', '18:00'],
    ]),
    updated_at: at,
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('office_hours');
  await knex.schema.dropTableIfExists('calendar_days');
  await knex.schema.dropTableIfExists('calendar_years');
}
