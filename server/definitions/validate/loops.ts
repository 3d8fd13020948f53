/**
 * `loop-without-wait`: a cycle of sequence flows with no wait state in it. The engine runs
 * everything between two wait states in one go, and FEEL cannot change variables, so such a
 * cycle either never runs or never stops (it hangs the step, or overflows the stack).
 */
import { problem, type Problem } from './types.ts';

/** Problems for the process and every sub-process, each analysed as its own graph. */
export function checkLoops(process: any): Problem[] {
  const problems: Problem[] = [];
  const containers = [process];
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i];
    problems.push(...loopsIn(container));
    for (const element of container.flowElements ?? []) {
      if (Array.isArray(element.flowElements)) containers.push(element);
    }
  }
  return problems;
}

function loopsIn(container: any): Problem[] {
  const nodes: any[] = (container.flowElements ?? []).filter((e: any) => e.$type !== 'bpmn:SequenceFlow');
  const index = new Map<any, number>(nodes.map((n, i) => [n, i]));
  const edges: number[][] = nodes.map(() => []);
  const selfLoop = new Set<number>();
  const addEdge = (from: any, to: any) => {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined) return;
    edges[a]!.push(b);
    if (a === b) selfLoop.add(a);
  };
  for (const flow of container.flowElements ?? []) {
    if (flow.$type === 'bpmn:SequenceFlow') addEdge(flow.sourceRef, flow.targetRef);
  }
  // A boundary event continues its host's path, so a cycle through it also runs through the host
  // and waits exactly when the host does.
  for (const node of nodes) {
    if (node.$type === 'bpmn:BoundaryEvent') addEdge(node.attachedToRef, node);
  }

  const problems: Problem[] = [];
  for (const component of stronglyConnected(edges)) {
    if (component.length === 1 && !selfLoop.has(component[0]!)) continue;
    const members = component.sort((a, b) => a - b).map((i) => nodes[i]);
    if (members.some(isWaitState)) continue;
    const ids = members.map((m) => m.id);
    problems.push(problem(ids[0], 'loop-without-wait', `The loop through ${ids.join(', ')} has no wait state (user task, timer or event-based gateway), so it would never stop`));
  }
  return problems;
}

/** Where the engine stops and saves the case. A manual task does not: it completes at once. */
function isWaitState(node: any): boolean {
  switch (node.$type) {
    // Catch events and receive tasks other than timers are refused as unsupported, but they do
    // wait; counting them keeps this rule from adding a misleading second problem.
    case 'bpmn:UserTask':
    case 'bpmn:EventBasedGateway':
    case 'bpmn:IntermediateCatchEvent':
    case 'bpmn:ReceiveTask':
      return true;
    case 'bpmn:SubProcess':
      // Approximation: any wait inside counts, even one on a branch that may be skipped.
      return (node.flowElements ?? []).some(isWaitState);
    default:
      return false;
  }
}

/** Tarjan's strongly connected components, iterative so a huge hostile graph cannot overflow the stack. */
function stronglyConnected(edges: number[][]): number[][] {
  const n = edges.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const frames: Array<[node: number, nextEdge: number]> = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [v, e] = frame;
      if (e < edges[v]!.length) {
        frame[1]++;
        const w = edges[v]![e]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          frames.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, order[w]!);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}
