import { GENESIS_HASH, hashEvent, type RecordedEvent } from '@ledger/event-store';
import type { AnchoredRevisions } from './anchor-checks';
import type { Finding } from './finding';

/**
 * Checks one stream, oldest event first, fed one event at a time so a long stream is never held
 * in memory. Every break is reported once and named: the checker then links on from the stored
 * hash, so one changed event is one finding, not one per event after it. An event whose prevHash
 * does not link is held back one event: if the next one completes a swap, the pair is reported.
 */
export class StreamCheck {
  readonly findings: Finding[] = [];
  events = 0;
  /** Events above the newest anchored revision: not covered by any anchor yet. */
  unanchored = 0;
  private expectedRevision = 0n;
  private expectedPrev = GENESIS_HASH;
  private held: RecordedEvent | undefined;
  private lastRevision: bigint | undefined;
  private anchorMismatchReported = false;
  private readonly newestAnchored: { revision: bigint; hash: string; sequence: number } | undefined;

  constructor(
    readonly stream: string,
    private readonly anchored: AnchoredRevisions = new Map(),
  ) {
    for (const [revision, head] of anchored) {
      if (!this.newestAnchored || revision > this.newestAnchored.revision) this.newestAnchored = { revision, ...head };
    }
  }

  push(event: RecordedEvent): void {
    this.events++;
    if (this.newestAnchored === undefined || event.revision > this.newestAnchored.revision) this.unanchored++;
    this.lastRevision = event.revision;
    const held = this.held;
    this.held = undefined;
    if (held && this.swapped(held, event)) {
      this.report(
        'reordered-events',
        held.revision,
        `revisions ${held.revision} and ${event.revision} swapped places: each links where the other should`,
      );
      this.expectedPrev = held.metadata.hash;
      this.expectedRevision = event.revision + 1n;
      return;
    }
    if (held) this.brokenLink(held);
    this.check(event);
  }

  /** Call once after the last event (or for a stream the store does not have: `found` false). */
  finish(found = true): Finding[] {
    if (this.held) this.brokenLink(this.held);
    this.held = undefined;
    const anchored = this.newestAnchored;
    if (anchored && (!found || this.lastRevision === undefined)) {
      this.report(
        'deleted-stream',
        undefined,
        `the stream is gone, but anchor #${anchored.sequence} signed its revision ${anchored.revision}`,
        anchored.sequence,
      );
    } else if (anchored && this.lastRevision !== undefined && this.lastRevision < anchored.revision) {
      const missing = anchored.revision - this.lastRevision;
      this.report(
        'deleted-newest-events',
        this.lastRevision + 1n,
        `the stream ends at revision ${this.lastRevision}, but anchor #${anchored.sequence} signed revision ${anchored.revision} (hash ${anchored.hash.slice(0, 12)}…): ${missing} newest event${missing === 1n ? '' : 's'} deleted`,
        anchored.sequence,
      );
    }
    return this.findings;
  }

  private check(event: RecordedEvent): void {
    if (event.revision > this.expectedRevision) {
      const first = this.expectedRevision;
      const last = event.revision - 1n;
      this.report(
        'missing-event',
        first,
        first === last ? `revision ${first} is missing` : `revisions ${first}..${last} are missing`,
      );
    } else if (event.metadata.prevHash !== this.expectedPrev) {
      this.held = event;
      return;
    }
    if (hashEvent(event) !== event.metadata.hash) {
      this.report(
        'changed-event',
        event.revision,
        `the content of ${event.type} ${event.id} does not match its hash: it was changed after it was written`,
      );
    } else {
      this.compareWithAnchor(event);
    }
    this.accept(event);
  }

  /** held at revision r links onto r + 1's hash, and r + 1 links onto what r should have: a swap. */
  private swapped(held: RecordedEvent, next: RecordedEvent): boolean {
    return (
      next.revision === held.revision + 1n &&
      held.metadata.prevHash === next.metadata.hash &&
      next.metadata.prevHash === this.expectedPrev
    );
  }

  private brokenLink(event: RecordedEvent): void {
    this.report(
      'broken-link',
      event.revision,
      `prevHash of ${event.type} ${event.id} is not the hash of the event before it`,
    );
    this.accept(event);
  }

  /**
   * A chain that verifies but disagrees with a signed head was rewritten and recomputed from some
   * revision at or before this one, and after the last anchored revision that still matches.
   */
  private compareWithAnchor(event: RecordedEvent): void {
    const head = this.anchored.get(event.revision);
    if (head === undefined || head.hash === event.metadata.hash || this.anchorMismatchReported) return;
    this.anchorMismatchReported = true;
    const matching = [...this.anchored.keys()].filter((r) => r < event.revision).sort((a, b) => (a < b ? 1 : -1))[0];
    const after = matching === undefined ? 'from the first event' : `after revision ${matching}`;
    this.report(
      'rewritten-history',
      event.revision,
      `the chain verifies, but anchor #${head.sequence} signed hash ${head.hash.slice(0, 12)}… for this revision and the store has ${event.metadata.hash.slice(0, 12)}…: an event ${after} up to this one was changed and the chain recomputed`,
      head.sequence,
    );
  }

  private accept(event: RecordedEvent): void {
    this.expectedPrev = event.metadata.hash;
    this.expectedRevision = event.revision + 1n;
  }

  private report(kind: Finding['kind'], revision: bigint | undefined, message: string, anchor?: number): void {
    this.findings.push({
      kind,
      stream: this.stream,
      ...(revision === undefined ? {} : { revision }),
      ...(anchor === undefined ? {} : { anchor }),
      message,
    });
  }
}
