/** Whether `tz` is an IANA time zone this Node knows (Asia/Shanghai, Asia/Urumqi …): region settings and office hours take one. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
