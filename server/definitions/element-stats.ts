/** Per-element figures of a deployed diagram (the designer's SLA heat map), as `GET /definitions/:id/stats` serves them. */
export interface ElementStats {
  elementId: string;
  /** Tasks on this element open right now (whatever the period). */
  openTasks: number;
  /** Tasks of this element that ended within the period. */
  ended: number;
  /** Median time from task creation to completion, over completed tasks of the period; null without any. */
  medianMs: number | null;
  /** Tasks with a due time that ended in the period or are still open. */
  withDue: number;
  /** Of those, ended after their due time, or still open past it now. */
  breached: number;
  breachedShare: number | null;
}
