/**
 * The XML side of GeoReport v2. The spec's JSON is a mechanical mapping of its
 * XML ("Spark convention"): a collection is a root element whose children are
 * its items, an object's fields are child elements, null is an empty element.
 * The shapes are small and fixed, so we write them by hand instead of pulling
 * in a builder: the one thing that must be right is escaping, below.
 */

export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

/** Element name of one item of a list field (`endpoints` → `endpoint`). */
const ITEM_NAMES: Record<string, string> = {
  endpoints: 'endpoint',
  formats: 'format',
  services: 'service',
  service_requests: 'request',
  // The mySociety extension: GET's root is `service_requests_updates`, a POST's answer `service_request_updates`.
  service_requests_updates: 'request_update',
  service_request_updates: 'request_update',
  errors: 'error',
};

// XML 1.0 allows tab, LF, CR and everything from U+0020 up, minus the surrogates
// and U+FFFE/U+FFFF. A citizen's text may carry anything (pasted control
// characters); one of those would make the whole document unreadable, so drop it.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for element content (and attribute values, though we write none). */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * A whole document: `root` is `services`, `service_requests`, `errors`
 * (arrays) or `discovery` (an object). Field names are ours (fixed ASCII), so
 * only values need escaping.
 */
export function xmlDocument(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}
