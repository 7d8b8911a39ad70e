import { Pool, type PoolClient } from 'pg';

/** Result of one parameterized statement, the same shape from Postgres and PGlite. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs a parameterized statement: the database itself or an open transaction. */
export interface Db {
  /**
   * Runs one parameterized statement. `prepare` names it as a prepared statement on Postgres
   * (parsed and planned once per connection): for the hot paths only; ignored by PGlite.
   */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
}

export interface QueryOptions {
  /** A stable, unique statement name, e.g. `executions.insert_finished`. */
  prepare?: string;
}

/**
 * The one data-access interface of the API. Postgres (pg.Pool) and embedded PGlite both satisfy it,
 * so repositories never know which one they talk to. Repos take a `Db` first, so they run inside or
 * outside a transaction alike.
 */
export interface Database extends Db {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  withTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one dedicated session (needed for session-level advisory locks and for scripts
   * with their own BEGIN/COMMIT). PGlite has a single session, so it is the database itself.
   */
  withSession<T>(fn: (session: Db) => Promise<T>): Promise<T>;
  /** Runs a multi-statement SQL script without parameters (migrations). */
  exec(session: Db, sql: string): Promise<void>;
  /** Cheap round trip used by readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  connectionString: string;
  /** Upper bound of pooled connections per process. */
  maxConnections: number;
  /** Server-side cap on any single statement, in milliseconds. */
  statementTimeoutMs: number;
  /** How long a request waits for a free connection before failing fast, in milliseconds. */
  connectionTimeoutMs: number;
  onError?: (err: Error) => void;
}

/** Wraps a `pg` Pool (Postgres server mode). */
export function createPostgresDatabase(options: PostgresOptions): Database {
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'auterity',
  });
  // An idle client that loses its server (restart, failover) emits here; without a listener the
  // process would crash. The pool discards the client and the next query opens a new one.
  pool.on('error', (err) => options.onError?.(err));

  const run = async <R>(client: Pool | PoolClient, text: string, params?: readonly unknown[], options?: QueryOptions) => {
    const values = params as unknown[] | undefined;
    const result = options?.prepare
      ? await client.query({ name: options.prepare, text, ...(values ? { values } : {}) })
      : await client.query(text, values);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  };
  const wrap = (client: Pool | PoolClient): Db => ({ query: (text, params, options) => run(client, text, params, options) });

  /**
   * A client of our own for a transaction or session. While checked out, a client whose server goes
   * away (restart, failover) emits `error` on itself, not on the pool: without this listener the
   * process would crash. Its pending query fails on its own; a lost client is destroyed on release.
   */
  async function checkOut() {
    const client = await pool.connect();
    let lostConnection = false;
    const onError = (err: Error) => {
      lostConnection = true;
      options.onError?.(err);
    };
    client.on('error', onError);
    return {
      client,
      lost: () => lostConnection,
      release(destroy: boolean) {
        client.off('error', onError);
        client.release(destroy);
      },
    };
  }

  return {
    kind: 'postgres',
    query: (text, params, options) => run(pool, text, params, options),
    async withTransaction(fn) {
      const { client, lost, release } = await checkOut();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        release(broken || lost());
      }
    },
    async withSession(fn) {
      const { client, lost, release } = await checkOut();
      try {
        return await fn(wrap(client));
      } finally {
        release(lost());
      }
    },
    async exec(session, sql) {
      await session.query(sql);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

export interface PgliteOptions {
  /** A directory for durable data, or `memory://` for a throwaway database. */
  dataDir: string;
  /** A `dumpDataDir` tarball used to seed a new database (fast start: no initdb). */
  loadDataDir?: Blob;
}

/** The PGlite instance API we rely on, so the type stays local to this file. */
interface PgliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(fn: (tx: { query: PgliteLike['query'] }) => Promise<T>): Promise<T>;
  dumpDataDir(compression?: 'auto' | 'gzip' | 'none'): Promise<Blob>;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * Opens embedded Postgres (PGlite, Postgres compiled to WASM) behind the same interface.
 * int8 is parsed as a string, as `pg` does, so code behaves the same in both modes.
 */
export async function createPgliteDatabase(options: PgliteOptions): Promise<Database & { dump(): Promise<Blob> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const instance = (await PGlite.create(options.dataDir, {
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8_OID]: (value: string) => value },
  })) as unknown as PgliteLike;

  const run = async <R>(target: Pick<PgliteLike, 'query'>, text: string, params?: readonly unknown[]) => {
    const result = await target.query<R>(text, params ? [...params] : undefined);
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
  };
  const self: Db = { query: (text, params) => run(instance, text, params) };
  // One session only: concurrent withSession callers (e.g. two migration runs in one process)
  // take turns, as they would waiting for an advisory lock on a server.
  let sessionTail: Promise<unknown> = Promise.resolve();

  return {
    kind: 'pglite',
    query: self.query,
    withTransaction: (fn) => instance.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) })),
    withSession(fn) {
      const result = sessionTail.then(() => fn(self));
      sessionTail = result.catch(() => undefined);
      return result;
    },
    async exec(_session, sql) {
      await instance.exec(sql);
    },
    async ping() {
      await instance.query('SELECT 1');
    },
    close: () => instance.close(),
    dump: () => instance.dumpDataDir('gzip'),
  };
}
