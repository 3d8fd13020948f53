import type { Knex } from 'knex';

/**
 * Case-level SLA limits per region: category × urgency → response limit
 * (the handling unit signs for the case and contacts the citizen) and
 * resolution limit (the citizen is answered), plus the share of the limit at
 * which the warning (催办) goes out. A limit is an ISO duration in natural time
 * (`PT2H`) or working time (`2wd`, `4wh`). Region `default` applies unless a
 * region has its own row for the same category and urgency; category `*` is
 * the catch-all. Sources: Beijing 12345 规范 draft (emergencies 2 h, 水电气热
 * 24 h), Guangdong 2022 办法 (咨询 2, 求助/建议 10, 投诉/举报 15 working days).
 */
const CATEGORIES = ['road', 'facility', 'sanitation', 'noise', 'water', 'veterans', 'consult', 'complaint', 'other', '*'];

function limitsFor(category: string, urgency: string): { response: string; resolution: string } {
  if (urgency === 'emergency') return { response: 'PT30M', resolution: 'PT2H' };
  if (category === 'water') return { response: 'PT2H', resolution: 'PT24H' }; // 水电气热
  if (urgency === 'urgent') return { response: '4wh', resolution: 'PT24H' };
  switch (category) {
    case 'consult':
      return { response: '1wd', resolution: '2wd' };
    case 'complaint':
      return { response: '1wd', resolution: '15wd' };
    case 'other':
    case 'veterans':
    case '*':
      return { response: '1wd', resolution: '10wd' }; // 求助/建议
    default:
      return { response: '1wd', resolution: '5wd' }; // everyday faults: street lights, potholes, rubbish, noise
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sla_limits', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.text('category').notNullable();
    t.text('urgency').notNullable();
    t.text('response_limit').notNullable();
    t.text('resolution_limit').notNullable();
    t.decimal('warn_share', 4, 3).notNullable().defaultTo(0.8);
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['region_id', 'category', 'urgency']);
  });
  await knex.raw('alter table sla_limits add constraint sla_limits_warn_share check (warn_share > 0 and warn_share < 1)');
  const at = new Date('2026-11-27T11:01:00Z');
  const rows = CATEGORIES.flatMap((category) =>
    ['normal', 'urgent', 'emergency'].map((urgency) => {
      const l = limitsFor(category, urgency);
      return { region_id: 'default', category, urgency, response_limit: l.response, resolution_limit: l.resolution, warn_share: 0.8, updated_at: at };
    }),
  );
  await knex('sla_limits').insert(rows);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sla_limits');
}
