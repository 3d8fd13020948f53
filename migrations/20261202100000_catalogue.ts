import type { Knex } from 'knex';

/**
 * The request catalogue (诉求分类): a coded tree per region, laid out as
 * Hohhot's DB1501/T 0032—2023 and Guangdong's DB44/T 2479—2024 do (a code
 * and a name on every level). `default` holds the tree every region inherits;
 * a region's own row adds a node (possibly under a default one) or, with the
 * same code, overrides a default node (renamed, moved, retired, or `hidden`).
 *
 * Today's nine categories become leaves with their exact codes, so existing
 * cases, `sla_limits` rows, Open311 service codes and BPMN conditions
 * (`=category = "road"`) keep working; their names are the labels staff and
 * citizens already see. A case now also keeps the path of codes and names it
 * was taken in with (`cases.category_path`); existing cases get the default
 * path of their code.
 */
const TREE: Array<{ code: string; name: string; keywords: string[]; children: Array<{ code: string; name: string; keywords: string[] }> }> = [
  {
    code: 'CX', name: '城乡建设', keywords: ['城市管理', '市政'],
    children: [
      { code: 'road', name: '道路障碍/占道', keywords: ['道路', '井盖', '占道', '坑洼', '停车'] },
      { code: 'facility', name: '公共设施', keywords: ['路灯', '公厕', '设施', '健身器材', '损坏'] },
    ],
  },
  {
    code: 'HJ', name: '生态环境', keywords: ['环境', '污染'],
    children: [
      { code: 'sanitation', name: '环境卫生', keywords: ['垃圾', '卫生', '清运', '污水', '异味'] },
      { code: 'noise', name: '噪音扰民', keywords: ['噪音', '施工', '扰民', '夜间'] },
    ],
  },
  {
    code: 'GY', name: '公用事业', keywords: ['民生保障'],
    children: [{ code: 'water', name: '水电气热', keywords: ['停水', '停电', '燃气', '供暖', '暖气'] }],
  },
  {
    code: 'TY', name: '退役军人事务', keywords: ['退役军人'],
    children: [{ code: 'veterans', name: '退役军人服务', keywords: ['退役军人', '优抚', '安置'] }],
  },
  {
    code: 'ZH', name: '综合', keywords: ['综合'],
    children: [
      { code: 'consult', name: '政策咨询', keywords: ['咨询', '政策', '办事', '流程'] },
      { code: 'complaint', name: '投诉举报', keywords: ['投诉', '举报', '服务态度'] },
      { code: 'other', name: '其他', keywords: ['其他'] },
    ],
  },
];

export async function up(knex: Knex): Promise<void> {
  // The regions table is filled at start-up; the default tree needs `default` now.
  await knex('regions').insert({ id: 'default', name: '默认', case_prefix: 'DF' }).onConflict('id').ignore();
  await knex.schema.createTable('catalogue_nodes', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.text('code').notNullable();
    t.text('parent_code');
    t.text('name').notNullable();
    t.specificType('keywords', 'text[]').notNullable().defaultTo('{}');
    t.text('default_unit');
    t.boolean('active').notNullable().defaultTo(true);
    t.boolean('hidden').notNullable().defaultTo(false);
    t.integer('sort').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.text('updated_by').notNullable();
    t.primary(['region_id', 'code']);
  });
  // Intake asks whether a node has active nodes below it (server/catalogue/trail.ts).
  await knex.raw('create index catalogue_nodes_parent on catalogue_nodes (region_id, parent_code)');
  // `*` is the catch-all of sla_limits, never a node.
  await knex.raw("alter table catalogue_nodes add constraint catalogue_nodes_code check (code <> '*' and code <> '' and parent_code is distinct from code)");

  const at = new Date('2026-12-02T10:00:00Z');
  const row = (code: string, parent: string | null, name: string, keywords: string[], sort: number) => ({
    region_id: 'default', code, parent_code: parent, name, keywords, default_unit: null, active: true, hidden: false, sort, updated_at: at, updated_by: 'migration',
  });
  await knex('catalogue_nodes').insert(
    TREE.flatMap((top, i) => [row(top.code, null, top.name, top.keywords, i), ...top.children.map((leaf, j) => row(leaf.code, top.code, leaf.name, leaf.keywords, j))]),
  );

  await knex.schema.alterTable('cases', (t) => {
    t.jsonb('category_path');
  });
  for (const top of TREE) {
    for (const leaf of top.children) {
      const path = [{ code: top.code, name: top.name }, { code: leaf.code, name: leaf.name }];
      await knex('cases').where({ category: leaf.code }).whereNull('category_path').update({ category_path: JSON.stringify(path) });
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('category_path');
  });
  await knex.schema.dropTableIfExists('catalogue_nodes');
}
