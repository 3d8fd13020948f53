import { maskPhone } from '../../crypto/index.ts';
import type { Transport } from './transport.ts';

/**
 * The default: writes one log line per message instead of sending it (development, demo, and
 * a node with no gateway yet). The number is masked and the text left out — at intake it
 * carries the tracking code, which the logs must not.
 */
export function logTransport(log: (msg: string) => void): Transport {
  return {
    name: 'log',
    async send(m) {
      log(`notify: sms to ${maskPhone(m.to)} for case ${m.caseNo} (${m.text.length} characters), not sent: log transport`);
    },
  };
}
