/** The logged-in staff member, kept in localStorage so a reload keeps the session. */
export interface SessionUser {
  username: string;
  displayName: string;
  role: 'dispatcher' | 'handler' | 'leader' | 'designer' | 'auditor' | 'admin';
  regionId: string | null;
  groups: string[];
}

const KEY = 'bangni.session';

export interface Session {
  token: string;
  user: SessionUser;
}

export function getSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function setSession(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

export const WORKER_ROLES = ['dispatcher', 'handler', 'leader', 'admin'];

/** Where a role lands after logging in. */
export function homeFor(user: SessionUser): string {
  if (user.role === 'designer') return '/designer';
  if (user.role === 'auditor') return '/audit';
  return '/tasks';
}
