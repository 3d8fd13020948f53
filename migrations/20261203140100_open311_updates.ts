import type { Knex } from 'knex';

/**
 * Open311's citizen data that was dropped before (issue 13 item 7): the e-mail a
 * request came with, sealed like the phone; the service's `attribute[…]` answers,
 * kept on the case for staff; and citizens' updates posted through the mySociety
 * `servicerequestupdates` extension, each a public note on the case timeline, its
 * author's name and e-mail sealed. `(case_id, client_update_id)` is unique: a client
 * that retries a post whose answer it lost gets the first update's id back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.text('contact_email_enc');
    t.jsonb('attributes');
  });
  await knex.schema.createTable('citizen_updates', (t) => {
    t.bigIncrements('id');
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('region_id').notNullable().references('regions.id');
    t.text('body').notNullable();
    t.text('author_name_enc');
    t.text('author_email_enc');
    t.text('media_url');
    t.text('channel').notNullable().defaultTo('open311');
    t.text('client_update_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['case_id', 'client_update_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('citizen_updates');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('attributes');
    t.dropColumn('contact_email_enc');
  });
}
