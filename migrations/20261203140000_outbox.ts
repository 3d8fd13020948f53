import type { Knex } from 'knex';

/**
 * Citizens' notifications (issue 13 item 6): one row per message, written in the
 * transaction of what it tells (intake, reply), so a message exists exactly when
 * its case change does. Senders on any node claim due rows with FOR UPDATE SKIP
 * LOCKED and a lease (`locked_by`, `locked_until`), retry with backoff through
 * `next_attempt_at`, and give up (`failed`) after the configured attempts.
 * `recipient` is sealed like the case's phone (never plain); so is `body`, which
 * at intake carries the tracking code, otherwise stored only as a keyed hash.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_outbox', (t) => {
    t.bigIncrements('id');
    t.text('region_id').notNullable().references('regions.id');
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('kind').notNullable(); // intake | reply
    t.text('channel').notNullable().defaultTo('sms');
    t.text('recipient').notNullable();
    t.text('body').notNullable();
    t.text('status').notNullable().defaultTo('pending'); // pending | sent | failed
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true });
    t.text('last_error');
    t.text('locked_by');
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw("alter table notification_outbox add constraint notification_outbox_kind check (kind in ('intake', 'reply'))");
  await knex.raw("alter table notification_outbox add constraint notification_outbox_status check (status in ('pending', 'sent', 'failed'))");
  // The claim's scan: only what may still be sent.
  await knex.raw("create index notification_outbox_due on notification_outbox (next_attempt_at) where status = 'pending'");
  await knex.raw('create index notification_outbox_case on notification_outbox (case_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notification_outbox');
}
