import { createRequire } from 'node:module';
import * as Elements from 'bpmn-elements';
import { BpmnModdle } from 'bpmn-moddle';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import type { Clock } from '../clock/index.ts';
import { clockTimerEventDefinition, type TimerPolicy } from './clock-timer.ts';

const require = createRequire(import.meta.url);
export const camundaDescriptor = require('camunda-bpmn-moddle/resources/camunda.json');

export type SourceContext = unknown;

/**
 * Parsed definitions, cached by definition id: parsing the XML costs more than
 * a whole engine step, and a deployed definition never changes. The element
 * types are bound here, so the cache belongs to one clock (one app).
 */
export class SourceCache {
  private readonly contexts = new Map<number, Promise<SourceContext>>();
  private readonly types: Record<string, unknown>;

  constructor(clock: Clock, private readonly max = 500, timerPolicy?: TimerPolicy) {
    this.types = { ...Elements, TimerEventDefinition: clockTimerEventDefinition(clock, timerPolicy) };
  }

  /** Whether the definition is parsed here already (a worker asks for its XML only when it is not). */
  has(definitionId: number): boolean {
    return this.contexts.has(definitionId);
  }

  get(definitionId: number, loadXml: () => Promise<string>): Promise<SourceContext> {
    let ctx = this.contexts.get(definitionId);
    if (!ctx) {
      ctx = loadXml().then((xml) => this.fromXml(xml));
      ctx.catch(() => this.contexts.delete(definitionId));
      if (this.contexts.size >= this.max) this.contexts.delete(this.contexts.keys().next().value as number);
      this.contexts.set(definitionId, ctx);
    }
    return ctx;
  }

  async fromXml(xml: string): Promise<SourceContext> {
    const moddleContext = await new BpmnModdle({ camunda: camundaDescriptor }).fromXML(xml);
    return this.fromModdle(moddleContext);
  }

  fromModdle(moddleContext: unknown): SourceContext {
    return (serializer as unknown as (ctx: unknown, resolver: unknown) => SourceContext)(
      moddleContext,
      (TypeResolver as unknown as (types: unknown) => unknown)(this.types),
    );
  }
}
