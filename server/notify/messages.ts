import type { Knex } from 'knex';

/** Where the SMS links to: the public address of the tracking page (BANGNI_PUBLIC_URL), per database handle like the audit keys. */
const settings = new WeakMap<object, { publicUrl?: string }>();
const configOf = (db: Knex | Knex.Transaction) => (db as unknown as { client: { config: object } }).client.config;

export function useNoticeSettings(db: Knex, s: { publicUrl?: string }): void {
  settings.set(configOf(db), s);
}

const trackLink = (db: Knex | Knex.Transaction, caseNo: string, code?: string) => {
  const base = settings.get(configOf(db))?.publicUrl?.replace(/\/+$/, '');
  if (!base) return null;
  return `${base}/track/${encodeURIComponent(caseNo)}${code ? `?code=${encodeURIComponent(code)}` : ''}`;
};

/** At intake: the case number and tracking code, the two things a citizen needs to follow the request. */
export function intakeText(db: Knex | Knex.Transaction, caseNo: string, trackingCode: string): string {
  const link = trackLink(db, caseNo, trackingCode);
  return `【12345】您反映的诉求已受理，工单编号 ${caseNo}，查询码 ${trackingCode}。${link ? `查询办理进度：${link}` : '可凭工单编号和查询码在「进度查询」查看办理进度。'}`;
}

/** At the reply: a notice only — the reply itself is read on the tracking page, with the code the citizen already has. */
export function replyText(db: Knex | Knex.Transaction, caseNo: string): string {
  const link = trackLink(db, caseNo);
  return `【12345】您反映的诉求（工单编号 ${caseNo}）已答复，请凭查询码查看答复并评价${link ? `：${link}` : '。'}`;
}
