import type { Knex } from 'knex';

/** People and units: groups (departments) per region, users with one role, login tokens. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('groups', (t) => {
    t.text('region_id').notNullable().references('regions.id');
    t.text('code').notNullable();
    t.text('name').notNullable();
    t.primary(['region_id', 'code']);
  });
  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id').primary();
    t.text('username').notNullable().unique();
    t.text('password_hash').notNullable();
    t.text('display_name').notNullable();
    t.text('role').notNullable(); // dispatcher | handler | leader | designer | auditor | admin
    t.text('region_id').references('regions.id'); // null only for admin: every region
    t.specificType('groups', 'text[]').notNullable().defaultTo('{}');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw('create index users_region on users (region_id)');
  await knex.schema.createTable('auth_tokens', (t) => {
    t.text('token_hash').primary(); // sha256 of the bearer token: a leaked table grants nothing
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('auth_tokens');
  await knex.schema.dropTableIfExists('users');
  await knex.schema.dropTableIfExists('groups');
}
