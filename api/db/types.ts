/**
 * `name`: a prepared statement natively (pg parses and plans it once per connection, then only
 * binds; the hot queries: session, responsibility, report, problem by id, tiles). One name, one
 * text, always. PGlite ignores it (one in-process connection, no network round trip to save).
 */
export interface QueryOptions {
  name?: string;
}

/** What repositories need from a database: both backends (PGlite, pg pool) provide it. */
export interface Queryable {
  query<T = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: T[] }>;
  /** Runs a script of several statements (migrations). No parameters. */
  exec(sql: string): Promise<void>;
}

export type DbKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** Runs fn in one transaction: commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * LISTENs on a channel (docs/ARCHITECTURE.md "Live events"). `onPayload` gets each NOTIFY's
   * payload, delivered only once its transaction committed; `null` when notifications may have
   * been lost (the listening connection dropped and came back): the caller catches up from the
   * tables. Resolves to the unlisten function.
   */
  listen(channel: string, onPayload: (payload: string | null) => void): Promise<() => Promise<void>>;
}
