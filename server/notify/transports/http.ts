import { TransportError, type Transport } from './transport.ts';

export interface HttpTransportOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  timeoutMs?: number;
}

/**
 * An SMS gateway behind one HTTP endpoint (README "Citizen notifications"): POST of
 * `{"to","text","caseNo"}` as JSON. 2xx is sent. 408, 429, 5xx, a timeout or a broken
 * connection are retried with backoff; any other 4xx is the message's own fault and fails it.
 */
export function httpTransport(opts: HttpTransportOptions): Transport {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'http',
    async send(m) {
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
          body: JSON.stringify({ to: m.to, text: m.text, caseNo: m.caseNo }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const timedOut = (err as Error)?.name === 'TimeoutError';
        throw new TransportError(timedOut ? `gateway did not answer within ${timeoutMs} ms` : `gateway unreachable: ${(err as Error)?.message ?? err}`, { cause: err });
      }
      await res.arrayBuffer().catch(() => undefined); // frees the connection
      if (res.ok) return;
      const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
      throw new TransportError(`gateway answered ${res.status}`, { permanent: !retryable });
    },
  };
}
