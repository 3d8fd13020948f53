/** One message as a transport sends it. */
export interface OutgoingMessage {
  /** The phone number, digits as the citizen gave them. */
  to: string;
  text: string;
  caseNo: string;
}

/** Sends a message or throws; a TransportError with `permanent` is not retried. */
export interface Transport {
  readonly name: string;
  send(m: OutgoingMessage): Promise<void>;
}

export class TransportError extends Error {
  /** The gateway refused the message itself (a bad number, say): retrying cannot help. */
  readonly permanent: boolean;
  constructor(message: string, opts: { permanent?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'TransportError';
    this.permanent = Boolean(opts.permanent);
  }
}
