import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { LedgerQueries } from '@ledger/application';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { tmfError, tmf654V2Base } from '@ledger/contracts';
import { type BucketStatus, type TimePeriod, bucketStatusAt } from '@ledger/domain';
import type { Doc } from '@ledger/ledger-projection';
import type { Page, ResourceKind } from '@ledger/read-model';
import type { TmfQuery } from '../http/tmf-query';
import { projectFields } from '../http/tmf-query';

/** v2's resource names, in paths and in not-found messages. */
const PATHS: Record<ResourceKind, string> = {
  bucket: 'bucket',
  topup: 'balanceTopup',
  adjustment: 'balanceAdjustment',
  activity: 'balanceActivity',
  transfer: 'balanceTransfer',
};

/**
 * Read-model documents shaped as the v2 models with absolute hrefs. Amounts stay decimal strings
 * here; the response serializer writes them as exact JSON numbers.
 */
@Injectable()
export class V2Presenter {
  readonly base: string;
  private readonly countCap: number;

  constructor(
    private readonly queries: LedgerQueries,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.base = tmf654V2Base(config.publicBaseUrl);
    this.countCap = config.listCountCap;
  }

  href(kind: ResourceKind, id: string): string {
    return `${this.base}/${PATHS[kind]}/${encodeURIComponent(id)}`;
  }

  present(kind: ResourceKind, doc: Doc, now = new Date()): Doc {
    const shaped: Doc = { id: doc.id, href: this.href(kind, doc.id as string), ...doc };
    if (kind === 'bucket' && doc.validFor) {
      // A bucket past its end date reads as expired before any job records it.
      shaped.status = bucketStatusAt(doc.status as BucketStatus, doc.validFor as TimePeriod, now.toISOString());
    }
    for (const ref of ['bucket', 'bucketBalance', 'receiverBucket'] as const) {
      const target = shaped[ref] as { id?: string } | undefined;
      if (target?.id) shaped[ref] = { ...target, href: this.href('bucket', target.id) };
    }
    return shaped;
  }

  /** The presented document, or v2's 404 when the resource does not exist. */
  found(kind: ResourceKind, id: string, doc: Doc | undefined): Doc {
    if (!doc)
      throw new NotFoundException(tmfError(404, 'NOT_FOUND', 'Not found', `${PATHS[kind]} ${id} does not exist`));
    return this.present(kind, doc);
  }

  async get(kind: ResourceKind, id: string): Promise<Doc> {
    return this.found(kind, id, await this.queries.find(kind, id));
  }

  async list(kind: ResourceKind, query: TmfQuery): Promise<Page<Partial<Doc>>> {
    const page = await this.queries.list(kind, { ...query, countCap: this.countCap });
    const items = page.items.map((d) => projectFields(this.present(kind, d), query.fields));
    return { total: page.total, totalCapped: page.totalCapped, items };
  }
}
