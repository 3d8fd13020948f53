import type { Knex } from 'knex';

/**
 * A versioned event chain (issue 11): `hash_version` 1 is the plain SHA-256 the
 * chain began with, 2 an HMAC-SHA-256 under BANGNI_AUDIT_KEY, which the database
 * does not hold. Rows written before are version 1 and keep verifying as such;
 * the code writes 2 from now on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_events', (t) => {
    t.smallint('hash_version').notNullable().defaultTo(1);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_events', (t) => {
    t.dropColumn('hash_version');
  });
}
