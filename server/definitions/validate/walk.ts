/**
 * Iterative walk over a moddle tree by containment. References (sourceRef, attachedToRef, …)
 * are skipped so each element is visited once, from its real parent; iteration rather than
 * recursion so a deeply nested hostile upload cannot overflow the stack.
 */

export interface Visit {
  element: any;
  /**
   * id of the element itself, or of the nearest ancestor that has one (extension elements have
   * none). Event definitions, expressions and loop markers are skipped: designers know the
   * event or the task, and bpmn-js gives its timer definitions ids nobody sees.
   */
  ownerId: string | null;
  /** containment property of the parent that holds this element, e.g. `conditionExpression` */
  property: string | null;
}

export function* walk(root: any): Generator<Visit> {
  const stack: Visit[] = [{ element: root, ownerId: null, property: null }];
  const seen = new Set<any>();
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { element } = visit;
    if (!element || typeof element !== 'object' || seen.has(element)) continue;
    seen.add(element);
    const ownerId = isOwner(element) ? element.id : visit.ownerId;
    yield { ...visit, ownerId };
    const children: Visit[] = [];
    for (const p of element.$descriptor?.properties ?? []) {
      if (p.isReference || p.isAttr) continue;
      pushChildren(children, element[p.name], ownerId, p.name);
    }
    // Elements of unknown namespaces (inside extensionElements) are generic: children live here.
    pushChildren(children, element.$children, ownerId, '$children');
    // Push in reverse so elements come out in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

function pushChildren(into: Visit[], value: unknown, ownerId: string | null, property: string): void {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item && typeof item === 'object' && typeof (item as any).$type === 'string') into.push({ element: item, ownerId, property });
  }
}

function isOwner(element: any): boolean {
  return typeof element.id === 'string' && element.id !== '' && !/(EventDefinition|Expression|LoopCharacteristics)$/.test(element.$type);
}
