import type { Knex } from 'knex';
import { z } from 'zod';
import type { User } from '../auth/index.ts';
import { maskIdNumber, maskName, maskPhone, type Sealer } from '../crypto/index.ts';

/** The citizen's contact as taken at intake. Name optional (anonymous requests are allowed). */
export const contactSchema = z.object({
  name: z.string().trim().min(1).max(50).optional(),
  phone: z.string().trim().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number of digits'),
  idNumber: z.string().trim().regex(/^[0-9]{17}[0-9Xx]$/, 'an 18-character ID number').optional(),
});
export type Contact = z.infer<typeof contactSchema>;

const normalPhone = (p: string) => p.replace(/[\s-]/g, '');

/** Keyed hash of a phone number, as stored for lookup. */
export const phoneHash = (sealer: Sealer, phone: string) => sealer.hash('phone', normalPhone(phone));

/** Columns that store a contact: sealed values and keyed hashes, never plain text. */
export function sealContact(sealer: Sealer, contact: Contact | undefined): Record<string, string | null> {
  if (!contact) return {};
  const phone = normalPhone(contact.phone);
  const id = contact.idNumber?.toUpperCase();
  return {
    contact_name_enc: contact.name ? sealer.seal(contact.name) : null,
    contact_phone_enc: sealer.seal(phone),
    contact_phone_hash: phoneHash(sealer, phone),
    contact_id_enc: id ? sealer.seal(id) : null,
    contact_id_hash: id ? sealer.hash('id-number', id) : null,
  };
}

export interface ContactView {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  masked: boolean;
}

/** Property companies are not state organs (PIPL art. 23): they never see who complained. */
export const seesNoContact = (user: User) => user.groups.includes('property-office');

/**
 * The contact as this user may see it: dispatchers in full (each view logged
 * by the caller), other staff masked; nothing for property companies, and on a
 * confidential case (保密件) nothing for anyone but dispatchers.
 */
export function contactFor(user: User, sealer: Sealer, row: Record<string, any>): { contact: ContactView | null; unmasked: string[] } {
  if (!row.contact_phone_enc) return { contact: null, unmasked: [] };
  const full = user.role === 'dispatcher';
  if (!full && (row.confidential || seesNoContact(user))) return { contact: null, unmasked: [] };
  const name = row.contact_name_enc ? sealer.open(row.contact_name_enc) : null;
  const phone = sealer.open(row.contact_phone_enc);
  const id = row.contact_id_enc ? sealer.open(row.contact_id_enc) : null;
  if (full) {
    const unmasked = ['phone', ...(name ? ['name'] : []), ...(id ? ['idNumber'] : [])];
    return { contact: { name, phone, idNumber: id, masked: false }, unmasked };
  }
  return { contact: { name: name ? maskName(name) : null, phone: maskPhone(phone), idNumber: id ? maskIdNumber(id) : null, masked: true }, unmasked: [] };
}

/** Records that someone saw unmasked personal data of a case. */
export async function logUnmaskedView(knex: Knex, at: Date, entry: { actor: string; caseId: number; regionId: string; fields: string[]; purpose: string }) {
  if (!entry.fields.length) return;
  await knex('access_log').insert({ at, actor: entry.actor, case_id: entry.caseId, region_id: entry.regionId, fields: entry.fields, purpose: entry.purpose });
}
