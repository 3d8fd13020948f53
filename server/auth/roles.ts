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
