import type { PgClient, PgPool } from '@ledger/postgres';
import type { AuditAnchor } from './audit-anchor';

type Queryable = PgPool | PgClient;

/**
 * audit.anchors (migrations/0004_audit-anchors.sql). The sequence is the primary key and each
 * insert names the digest it chains onto, so two writers can never both store anchor n, and a
 * writer whose idea of the tip is stale stores nothing.
 */
export class AnchorStore {
  constructor(private readonly db: Queryable) {}

  async last(): Promise<AuditAnchor | undefined> {
    const { rows } = await this.db.query<{ document: AuditAnchor }>(
      'SELECT document FROM audit.anchors ORDER BY sequence DESC LIMIT 1',
    );
    return rows[0]?.document;
  }

  async all(): Promise<AuditAnchor[]> {
    const { rows } = await this.db.query<{ document: AuditAnchor }>(
      'SELECT document FROM audit.anchors ORDER BY sequence',
    );
    return rows.map((r) => r.document);
  }

  /** False when anchor sequence - 1 is not the one it chains onto (another writer moved the tip). */
  async insert(anchor: AuditAnchor): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO audit.anchors (sequence, digest, document)
       SELECT $1::bigint, $2, $3::jsonb
       WHERE ($1::bigint = 1 AND NOT EXISTS (SELECT FROM audit.anchors))
          OR EXISTS (SELECT FROM audit.anchors WHERE sequence = $1::bigint - 1 AND digest = $4)
       ON CONFLICT (sequence) DO NOTHING`,
      [anchor.sequence, anchor.digest, JSON.stringify(anchor), anchor.previousDigest],
    );
    return (rowCount ?? 0) === 1;
  }

  async unpublished(limit: number): Promise<AuditAnchor[]> {
    const { rows } = await this.db.query<{ document: AuditAnchor }>(
      'SELECT document FROM audit.anchors WHERE published_at IS NULL ORDER BY sequence LIMIT $1',
      [limit],
    );
    return rows.map((r) => r.document);
  }

  async markPublished(sequences: number[]): Promise<void> {
    await this.db.query('UPDATE audit.anchors SET published_at = now() WHERE sequence = ANY($1::bigint[])', [
      sequences,
    ]);
  }
}
