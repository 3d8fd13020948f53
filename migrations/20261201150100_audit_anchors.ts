import type { Knex } from 'knex';

/**
 * Daily anchors (issue 11): per region and day, that day's chain heads hashed
 * together and signed with Ed25519 (BANGNI_ANCHOR_KEY). Auditors download them
 * and keep them elsewhere; a row here is only a copy, its signature the proof.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_anchors', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.date('day').notNullable();
    t.integer('heads').notNullable();
    t.text('digest').notNullable();
    t.text('signature').notNullable();
    t.text('key_fingerprint').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['region_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_anchors');
}
