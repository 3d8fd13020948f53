/**
 * `fan-out-too-large`: one element that multiplies the work of a step. The engine runs every
 * branch of a split, and every instance of a loop marker, up to the next wait state inside the
 * one step that reached it, and each token lands in the saved engine state of the case; a
 * citizen-request process splits into a few dozen branches at most (one per category).
 */
import { problem, type Problem } from './types.ts';

/** Outgoing sequence flows of one element: gateway splits, implicit splits of tasks and events. */
export const MAX_OUTGOING_FLOWS = 100;

/** Instances of one loop marker, when its count is written as a literal. */
export const MAX_LOOP_INSTANCES = 100;

/** Problems of one visited element; `ownerId` is the element the designer knows it by. */
export function checkFanOut(element: any, ownerId: string | null): Problem[] {
  const outgoing = Array.isArray(element.outgoing) ? element.outgoing.length : 0;
  if (outgoing > MAX_OUTGOING_FLOWS) {
    return [problem(ownerId, 'fan-out-too-large', `The element has ${outgoing} outgoing sequence flows; the limit is ${MAX_OUTGOING_FLOWS}`)];
  }
  const instances = literalInstances(element);
  if (instances !== null && instances > MAX_LOOP_INSTANCES) {
    return [problem(ownerId, 'fan-out-too-large', `The loop marker runs ${instances} instances; the limit is ${MAX_LOOP_INSTANCES}`)];
  }
  return [];
}

// A number, as text (the engine's resolver hands it on and Number() reads it) or as FEEL.
const LITERAL_COUNT = /^=?\s*(\d+(?:\.\d+)?)\s*$/;

/** The instance count of a loop marker written as a literal, or null when it is computed. */
function literalInstances(element: any): number | null {
  if (element.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    const match = LITERAL_COUNT.exec(String(element.loopCardinality?.body ?? ''));
    return match ? Number(match[1]) : null;
  }
  if (element.$type === 'bpmn:StandardLoopCharacteristics' && typeof element.loopMaximum === 'number') {
    return element.loopMaximum;
  }
  return null;
}
