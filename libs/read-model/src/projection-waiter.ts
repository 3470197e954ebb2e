import { Pool } from 'pg';
import { NotificationListener, Position, comparePositions } from '@ledger/event-store';

interface Waiter {
  position: Position;
  resolve: (caughtUp: boolean) => void;
  deadline: number;
}

export interface ProjectionWaiterOptions {
  pool: Pool;
  /** Where to LISTEN for checkpoint notifications (a session of the waiter's own). */
  databaseUrl: string;
  projection?: string;
  /** Poll interval while someone waits: the fallback beside notifications (default 100 ms). */
  pollMs?: number;
}

/** The serving version's checkpoint as this process last learned it. */
interface Known {
  version: number;
  checkpoint: Position | undefined;
}

/**
 * Read-your-writes for the API: a request that appended at `position` waits (bounded) until the
 * serving read model's checkpoint has passed it. Each projector batch notifies its new checkpoint
 * when it commits (projection_advance), so a wait normally ends as soon as the batch holding the
 * command is visible, with no query at all. A poll, run only while someone waits, learns the
 * serving version (a rebuild may switch it) and covers notifications lost while the LISTEN
 * session was down.
 */
export class ProjectionWaiter {
  private waiters: Waiter[] = [];
  private known: Known | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly listener: NotificationListener;
  private readonly projection: string;
  private readonly pollMs: number;

  constructor(private readonly options: ProjectionWaiterOptions) {
    this.projection = options.projection ?? 'ledger';
    this.pollMs = options.pollMs ?? 100;
    this.listener = new NotificationListener({
      connectionString: options.databaseUrl,
      channel: 'projection_checkpoint',
      applicationName: 'projection-waiter',
      onNotification: (payload) => this.notified(payload),
    });
  }

  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.passed(position)) return Promise.resolve(true);
    this.listener.start();
    return new Promise((resolve) => {
      this.waiters.push({ position, resolve, deadline: Date.now() + timeoutMs });
      // Until a poll has named the serving version, notifications cannot be trusted.
      if (!this.known) this.poll();
      else this.schedule();
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
    await this.listener.close();
  }

  private passed(position: Position): boolean {
    const checkpoint = this.known?.checkpoint;
    return checkpoint !== undefined && comparePositions(checkpoint, position) >= 0;
  }

  /** `projection:version:commit:prepare` from projection_advance; no payload after a reconnect. */
  private notified(payload: string | undefined): void {
    const parts = payload?.split(':');
    if (!parts || parts.length !== 4) {
      if (this.waiters.length > 0) this.poll();
      return;
    }
    const [projection, version, commit, prepare] = parts;
    // A checkpoint of any other version waits for a poll to say that version serves now.
    if (projection !== this.projection || !this.known || Number(version) !== this.known.version) return;
    this.learn({ version: this.known.version, checkpoint: { commit: BigInt(commit), prepare: BigInt(prepare) } });
  }

  /**
   * Takes what a poll read (which names the serving version, even one switched back to) or a
   * notification said (a checkpoint of the version already known), and settles every wait it
   * decides or whose time is up.
   */
  private learn(next?: Known): void {
    const known = this.known;
    if (
      next &&
      (!known ||
        next.version !== known.version ||
        (next.checkpoint && (!known.checkpoint || comparePositions(next.checkpoint, known.checkpoint) > 0)))
    ) {
      this.known = next;
    }
    const now = Date.now();
    this.waiters = this.waiters.filter((w) => {
      const caughtUp = this.passed(w.position);
      if (caughtUp || now >= w.deadline) w.resolve(caughtUp);
      return !(caughtUp || now >= w.deadline);
    });
    if (this.waiters.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private schedule(): void {
    if (this.timer || this.polling || this.waiters.length === 0) return;
    const nearest = Math.min(...this.waiters.map((w) => w.deadline)) - Date.now();
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.poll();
      },
      Math.max(0, Math.min(this.pollMs, nearest)),
    );
  }

  private poll(): void {
    // A failed read only lets deadlines pass; the next poll tries again.
    this.polling ??= this.read().then(
      (known) => this.polled(known),
      () => this.polled(undefined),
    );
  }

  private polled(known: Known | undefined): void {
    this.polling = undefined;
    this.learn(known);
    this.schedule();
  }

  private async read(): Promise<Known | undefined> {
    const { rows } = await this.options.pool.query<{ version: number; commit_pos: string; prepare_pos: string }>({
      name: 'projection-waiter/checkpoint',
      text: `SELECT c.version, c.commit_pos, c.prepare_pos FROM projection_checkpoints c
               JOIN read_model_versions v ON v.name = $1 AND c.version = v.current_version
              WHERE c.projection = $1`,
      values: [this.projection],
    });
    const row = rows[0];
    if (!row) return undefined;
    const start = row.commit_pos === '0' && row.prepare_pos === '0';
    return {
      version: row.version,
      checkpoint: start ? undefined : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) },
    };
  }
}
