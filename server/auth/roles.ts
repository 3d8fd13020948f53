export const ROLES = ['dispatcher', 'handler', 'leader', 'designer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** null for admin: every region. */
  regionId: string | null;
  groups: string[];
}

/** Staff who work cases and tasks. */
export const CASE_WORKERS: Role[] = ['dispatcher', 'handler', 'leader', 'admin'];

/**
 * Who reads the 考核 reports (三率, breaches and their weekly count) of their region: auditors,
 * admins, and the region's leaders, who rank their own units by them (issue 13 item 4). The
 * audit trail itself (alerts, anchors, the hash-chain check) stays with auditors and admins.
 */
export const REPORT_READERS: Role[] = ['auditor', 'admin', 'leader'];
