import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Pool } from 'pg';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { tmfError } from '@ledger/contracts';
import { bucketStatusAt } from '@ledger/domain';
import { PG_POOL } from '@ledger/postgres';
import { Doc, Page, ReadModelQueries, ResourceKind } from '@ledger/read-model';
import type { TmfQuery } from '../http/tmf-query';
import { projectFields } from '../http/tmf-query';

const PATHS: Record<ResourceKind, string> = {
  bucket: 'bucket',
  topup: 'balanceTopup',
  adjustment: 'balanceAdjustment',
  activity: 'balanceActivity',
};

/**
 * Reads from the serving read model, shaped as the v2 models with absolute hrefs. Amounts stay
 * decimal strings here; the response serializer writes them as exact JSON numbers.
 */
@Injectable()
export class LedgerReads {
  private readonly queries: ReadModelQueries;
  readonly base: string;

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(LEDGER_CONFIG) config: LedgerConfig) {
    this.queries = new ReadModelQueries(pool);
    this.base = `${config.publicBaseUrl}/tmf-api/prepayBalanceManagement/v2`;
  }

  href(kind: ResourceKind, id: string): string {
    return `${this.base}/${PATHS[kind]}/${encodeURIComponent(id)}`;
  }

  present(kind: ResourceKind, doc: Doc, now = new Date()): Doc {
    const shaped: Doc = { id: doc.id, href: this.href(kind, doc.id as string), ...doc };
    if (kind === 'bucket' && doc.validFor) {
      // A bucket past its end date reads as expired before any job records it.
      shaped.status = bucketStatusAt(doc.status as never, doc.validFor as never, now.toISOString());
    }
    for (const ref of ['bucket', 'bucketBalance'] as const) {
      const target = shaped[ref] as { id?: string } | undefined;
      if (target?.id) shaped[ref] = { ...target, href: this.href('bucket', target.id) };
    }
    return shaped;
  }

  async find(kind: ResourceKind, id: string): Promise<Doc | undefined> {
    const doc = await this.queries.get<Doc>(kind, id);
    return doc && this.present(kind, doc);
  }

  async get(kind: ResourceKind, id: string): Promise<Doc> {
    const doc = await this.find(kind, id);
    if (!doc) throw new NotFoundException(tmfError(404, 'NOT_FOUND', 'Not found', `${PATHS[kind]} ${id} does not exist`));
    return doc;
  }

  async list(kind: ResourceKind, query: TmfQuery): Promise<Page<Partial<Doc>>> {
    const page = await this.queries.list<Doc>(kind, query);
    return { total: page.total, items: page.items.map((d) => projectFields(this.present(kind, d), query.fields)) };
  }

  async bucketCandidates(productId: string): Promise<{ id: string; productIds: string[]; type?: string }[]> {
    const page = await this.queries.list<Doc>('bucket', { filters: [{ path: 'product.id', value: productId }], offset: 0, limit: 1000 });
    return page.items.map((d) => ({
      id: d.id as string,
      productIds: ((d.product as { id: string }[] | undefined) ?? []).map((p) => p.id),
      type: d.type as string | undefined,
    }));
  }
}
