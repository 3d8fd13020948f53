import type { Knex } from 'knex';

/**
 * Open311 API keys (issue 11): issued per client by an admin, for one region
 * (jurisdiction). Only a SHA-256 of the key is kept (the key is 32 random
 * bytes, shown once at creation); `key_hint` is its first characters, so an
 * admin can tell keys apart. `open311_settings.require_key` turns keys on for
 * POST in a region; a region without a row does not require one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('open311_keys', (t) => {
    t.bigIncrements('id');
    t.text('region_id').notNullable().references('regions.id');
    t.text('client').notNullable();
    t.text('contact');
    t.text('key_hash').notNullable().unique();
    t.text('key_hint').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.text('created_by').notNullable();
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_by');
  });
  await knex.raw('create index open311_keys_region on open311_keys (region_id, created_at desc)');
  await knex.schema.createTable('open311_settings', (t) => {
    t.text('region_id').primary().references('regions.id');
    t.boolean('require_key').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.text('updated_by').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('open311_settings');
  await knex.schema.dropTable('open311_keys');
}
