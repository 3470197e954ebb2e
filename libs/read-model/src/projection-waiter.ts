import { Pool } from 'pg';
import { Position, comparePositions } from '@ledger/event-store';

interface Waiter {
  position: Position;
  resolve: (caughtUp: boolean) => void;
  deadline: number;
}

/**
 * Read-your-writes for the API: a request that appended at `position` waits (bounded) until the
 * serving read model's checkpoint has passed it. One poll loop serves every waiting request, and
 * it runs only while someone waits.
 */
export class ProjectionWaiter {
  private waiters: Waiter[] = [];
  private polling = false;

  constructor(private readonly pool: Pool, private readonly projection = 'ledger', private readonly intervalMs = 5) {}

  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiters.push({ position, resolve, deadline: Date.now() + timeoutMs });
      if (!this.polling) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      while (this.waiters.length > 0) {
        const checkpoint = await this.checkpoint().catch(() => undefined);
        const now = Date.now();
        this.waiters = this.waiters.filter((w) => {
          const caughtUp = checkpoint !== undefined && comparePositions(checkpoint, w.position) >= 0;
          if (caughtUp || now >= w.deadline) w.resolve(caughtUp);
          return !(caughtUp || now >= w.deadline);
        });
        if (this.waiters.length > 0) await new Promise((r) => setTimeout(r, this.intervalMs));
      }
    } finally {
      this.polling = false;
    }
  }

  private async checkpoint(): Promise<Position | undefined> {
    const { rows } = await this.pool.query<{ commit_pos: string; prepare_pos: string }>(
      `SELECT c.commit_pos, c.prepare_pos FROM projection_checkpoints c
         JOIN read_model_versions v ON v.name = 'ledger' AND c.version = v.current_version
        WHERE c.projection = $1`,
      [this.projection],
    );
    return rows[0] && { commit: BigInt(rows[0].commit_pos), prepare: BigInt(rows[0].prepare_pos) };
  }
}
