/**
 * The element a worker is running now, in shared memory: a step that never
 * returns (a FEEL loop, a hang) gives the worker no chance to say where it is,
 * so it writes each element id here as it starts (a few bytes, no message) and
 * the pool reads it when it terminates the worker, for the incident.
 * Layout: Int32 length, then UTF-8 bytes.
 */
export const CURRENT_BYTES = 256;

export function currentBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 + CURRENT_BYTES);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function writeCurrent(buf: SharedArrayBuffer, elementId: string): void {
  const { written } = encoder.encodeInto(elementId, new Uint8Array(buf, 4, CURRENT_BYTES));
  Atomics.store(new Int32Array(buf, 0, 1), 0, written);
}

export function readCurrent(buf: SharedArrayBuffer): string | null {
  const len = Atomics.load(new Int32Array(buf, 0, 1), 0);
  if (len <= 0) return null;
  // Copied out of shared memory first: TextDecoder does not read a shared buffer.
  return decoder.decode(new Uint8Array(buf, 4, Math.min(len, CURRENT_BYTES)).slice()) || null;
}
