import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createReadRouting } from '../../../server/db/index.ts';

const primary = { name: 'primary' } as unknown as Knex;
const replica = { name: 'replica' } as unknown as Knex;
const req = (user: string | null, method = 'GET', headers: Record<string, string> = {}) => ({ method, headers, user: user ? { username: user } : undefined }) as never;

/** Runs the write-noting middleware for a request that ends with this status. */
function write(routing: ReturnType<typeof createReadRouting>, user: string, status: number) {
  const res = Object.assign(new EventEmitter(), { statusCode: status });
  routing.noteWrite(req(user, 'POST'), res as never, () => undefined);
  res.emit('finish');
}

describe('db: reads from a replica, reading your own writes', () => {
  it('given no replica, then every read goes to the primary', () => {
    expect(createReadRouting({ primary }).reader(req('a'))).to.equal(primary);
  });

  it('given a replica, when a user has not written, then the user reads from the replica', () => {
    expect(createReadRouting({ primary, replica }).reader(req('a'))).to.equal(replica);
  });

  it('given a user who just completed a task, then that user reads from the primary for the window, and others still from the replica', async () => {
    const routing = createReadRouting({ primary, replica, windowMs: 50 });
    write(routing, 'a', 200);
    expect(routing.reader(req('a'))).to.equal(primary);
    expect(routing.reader(req('b'))).to.equal(replica);
    await new Promise((r) => setTimeout(r, 60));
    expect(routing.reader(req('a'))).to.equal(replica);
  });

  it('given a failed write, then nothing changes; given the X-Bangni-Consistent header, then the read goes to the primary', () => {
    const routing = createReadRouting({ primary, replica });
    write(routing, 'a', 409);
    expect(routing.reader(req('a'))).to.equal(replica);
    expect(routing.reader(req('a', 'GET', { 'x-bangni-consistent': '1' }))).to.equal(primary);
  });
});
