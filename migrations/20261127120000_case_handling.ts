import type { Knex } from 'knex';

/**
 * Case handling as 12345 practice does it: the citizen's contact (encrypted,
 * with keyed hashes for lookup), confidentiality, tracking code, work-order
 * facts on the case (leader claim, reopen counter, merge parent, outside
 * closing), task kinds beside the engine's own (co-handling, reviews), comments,
 * attachments, idempotent intake and the log of unmasked views.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    // Sealed with AES-256-GCM (server/crypto); *_hash is an HMAC for exact lookup, never reversible.
    t.text('contact_name_enc');
    t.text('contact_phone_enc');
    t.text('contact_phone_hash');
    t.text('contact_id_enc');
    t.text('contact_id_hash');
    t.boolean('confidential').notNullable().defaultTo(false);
    t.text('tracking_code_hash');
    t.integer('reopen_count').notNullable().defaultTo(0);
    t.bigInteger('parent_case_id').references('cases.id');
    t.text('leader_claimed_by');
    t.timestamp('leader_claimed_at', { useTz: true });
    // Set when a case is closed from outside its process: emergency | not_accepted | merged.
    t.text('close_kind');
    t.jsonb('close_reason');
  });
  await knex.raw('create index cases_region_phone on cases (region_id, contact_phone_hash) where contact_phone_hash is not null');
  await knex.raw('create index cases_parent on cases (parent_case_id) where parent_case_id is not null');

  await knex.schema.alterTable('tasks', (t) => {
    // process: a BPMN user task; cohandle | return_review | extension_review: opened by the case
    // handling code beside the engine (execution_id "side:…"), never signalled into the engine.
    t.text('kind').notNullable().defaultTo('process');
    t.bigInteger('subject_task_id'); // the task a review is about
    t.jsonb('request'); // what the review decides on: reason, requested due date
    t.timestamp('claimed_at', { useTz: true });
    // A returned (退单) task waits for the dispatcher's review and cannot be completed meanwhile.
    t.boolean('on_hold').notNullable().defaultTo(false);
  });

  await knex.schema.createTable('case_comments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('region_id').notNullable();
    t.text('author').notNullable();
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw('create index case_comments_case on case_comments (case_id, id)');

  await knex.schema.createTable('case_attachments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('region_id').notNullable();
    t.text('purpose').notNullable().defaultTo('site'); // site | reply (reply photos are public on the tracking page)
    t.text('filename').notNullable();
    t.text('media_type').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.text('uploaded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw('create index case_attachments_case on case_attachments (case_id, id)');
  // The bytes apart from the metadata: listing a case's attachments never reads megabytes.
  await knex.schema.createTable('case_attachment_blobs', (t) => {
    t.bigInteger('attachment_id').primary().references('case_attachments.id').onDelete('CASCADE');
    t.binary('data').notNullable();
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('status').notNullable();
    t.jsonb('response').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['scope', 'key']);
  });

  // Who saw a citizen's unmasked contact, when, on which case (PIPL art. 51).
  await knex.schema.createTable('access_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('actor').notNullable();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('region_id').notNullable();
    t.specificType('fields', 'text[]').notNullable();
    t.text('purpose').notNullable();
  });
  await knex.raw('create index access_log_case on access_log (case_id, at)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['access_log', 'idempotency_keys', 'case_attachment_blobs', 'case_attachments', 'case_comments']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumns('kind', 'subject_task_id', 'request', 'claimed_at', 'on_hold');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumns(
      'contact_name_enc', 'contact_phone_enc', 'contact_phone_hash', 'contact_id_enc', 'contact_id_hash', 'confidential',
      'tracking_code_hash', 'reopen_count', 'parent_case_id', 'leader_claimed_by', 'leader_claimed_at', 'close_kind', 'close_reason',
    );
  });
}
