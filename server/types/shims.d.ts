// bpmn-moddle 10 ships no declaration for its entry point; we use only fromXML.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<{
      rootElement: any;
      elementsById: Record<string, any>;
      references: any[];
      warnings: Array<{ message: string; element?: any; property?: string; value?: unknown; error?: Error }>;
    }>;
  }
}
