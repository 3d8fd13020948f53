import { toast } from '../../lib/dom.ts';
import { api } from '../../lib/api.ts';
import { navigate } from '../../lib/router.ts';
import { t } from '../../i18n/index.ts';

/**
 * After a step: if the same case now has a task offered to this worker (their groups, or them),
 * open it at once — list → 签收 → 办理 for every step was the complaint; otherwise the case as
 * it now stands (where the step just taken shows on the diagram and timeline).
 */
export async function openNextTask(caseId: number): Promise<void> {
  let next: { id: number; name: string | null; elementId: string } | undefined;
  try {
    next = (await api<{ items: Array<{ id: number; name: string | null; elementId: string }> }>('GET', `/tasks?caseId=${caseId}&myGroups=true&limit=1`)).items[0];
  } catch {
    next = undefined; // the step is done; failing to look ahead only means the list
  }
  if (!next) return navigate(`/cases/${caseId}`, true);
  toast(t('actions.nextTask', { name: next.name ?? next.elementId }));
  navigate(`/cases/${caseId}?task=${next.id}`, true);
}
