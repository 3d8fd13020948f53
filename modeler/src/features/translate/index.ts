/**
 * bpmn-js's `translate` service in the app's language: the palette, context pad, properties panel
 * and lint messages go through it. Strings without a Chinese entry stay English, as bpmn-js ships.
 */
import { getLang } from '../../i18n/index.ts';
import { ZH } from './zh.ts';

export function translate(template: string, replacements: Record<string, string> = {}): string {
  const text = getLang() === 'zh-CN' ? (ZH[template] ?? template) : template;
  return text.replace(/{([^}]+)}/g, (_m, key) => replacements[key] ?? `{${key}}`);
}

export default {
  translate: ['value', translate],
};
