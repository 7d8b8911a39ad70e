import type { Db } from '../../lib/db';

/** A workflow's stored document: its compacted state plus the updates appended since (oldest first). */
export interface StoredDocument {
  state: Uint8Array | null;
  updates: { id: string; update: Uint8Array }[];
}

function bytes(value: Uint8Array): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value);
}

/** Loads a workflow's document (state and pending updates), scoped to its organization. */
export async function findDocument(db: Db, organizationId: string, workflowId: string): Promise<StoredDocument> {
  const [stateRows, updateRows] = await Promise.all([
    db.query<{ state: Uint8Array }>('SELECT state FROM workflow_documents WHERE organization_id = $1 AND workflow_id = $2', [
      organizationId,
      workflowId,
    ]),
    db.query<{ id: string; update: Uint8Array }>(
      'SELECT id, update FROM workflow_document_updates WHERE organization_id = $1 AND workflow_id = $2 ORDER BY id',
      [organizationId, workflowId],
    ),
  ]);
  const state = stateRows.rows[0]?.state;
  return {
    state: state ? bytes(state) : null,
    updates: updateRows.rows.map((r) => ({ id: r.id, update: bytes(r.update) })),
  };
}

/** Appends acknowledged updates (one statement for many); returns their ids in the given order. */
export async function insertUpdates(
  db: Db,
  rows: readonly { organizationId: string; workflowId: string; update: Uint8Array }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const values = rows.map((r, i) => {
    params.push(r.organizationId, r.workflowId, Buffer.from(r.update));
    return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
  });
  const { rows: inserted } = await db.query<{ id: string }>(
    `INSERT INTO workflow_document_updates (organization_id, workflow_id, update) VALUES ${values.join(', ')} RETURNING id`,
    params,
  );
  return inserted.map((r) => r.id);
}

/** Locks and returns the stored state, inside the caller's transaction (null when none yet). */
export async function lockDocumentState(db: Db, organizationId: string, workflowId: string): Promise<Uint8Array | null> {
  const { rows } = await db.query<{ state: Uint8Array }>(
    'SELECT state FROM workflow_documents WHERE organization_id = $1 AND workflow_id = $2 FOR UPDATE',
    [organizationId, workflowId],
  );
  return rows[0] ? bytes(rows[0].state) : null;
}

/** Writes the compacted state, creating the row on first store. */
export async function upsertDocumentState(db: Db, organizationId: string, workflowId: string, state: Uint8Array): Promise<void> {
  await db.query(
    `INSERT INTO workflow_documents (workflow_id, organization_id, state) VALUES ($1, $2, $3)
     ON CONFLICT (workflow_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
     WHERE workflow_documents.organization_id = EXCLUDED.organization_id`,
    [workflowId, organizationId, Buffer.from(state)],
  );
}

/** Deletes appended updates that a stored state now contains. */
export async function deleteUpdates(db: Db, organizationId: string, workflowId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    'DELETE FROM workflow_document_updates WHERE organization_id = $1 AND workflow_id = $2 AND id = ANY($3::bigint[])',
    [organizationId, workflowId, ids],
  );
}
