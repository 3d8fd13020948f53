import ClientPgLite from 'knex-pglite';

/**
 * knex-pglite closes its PGlite when knex is destroyed. When the PGlite instance
 * is handed in from outside (the test run shares one in-memory database between
 * test files, each on its own schema), the owner closes it, not knex.
 */
export class SharedPGliteClient extends (ClientPgLite as unknown as new (config: unknown) => object) {
  async destroyRawConnection(): Promise<void> {
    // owned by the caller
  }
}
