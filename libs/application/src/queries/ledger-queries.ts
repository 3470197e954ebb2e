import type { BucketCandidate } from '@ledger/domain';
import type { Doc } from '@ledger/ledger-projection';
import type { ListQuery, Page, ReadModelQueries, ResourceKind } from '@ledger/read-model';

/**
 * The read model's documents as every API version starts from them: version-neutral, without
 * hrefs. Presenters shape them for their version; an absent resource is `undefined`, worded by the
 * caller's own conventions.
 */
export class LedgerQueries {
  constructor(private readonly queries: ReadModelQueries) {}

  find(kind: ResourceKind, id: string): Promise<Doc | undefined> {
    return this.queries.get<Doc>(kind, id);
  }

  list(kind: ResourceKind, query: ListQuery): Promise<Page<Doc>> {
    return this.queries.list<Doc>(kind, query);
  }

  /** Every bucket of a product, deleted ones excluded by the read model, for bucket resolution. */
  async bucketCandidates(productId: string): Promise<BucketCandidate[]> {
    const page = await this.list('bucket', {
      filters: [{ path: 'product.id', value: productId }],
      offset: 0,
      limit: 1000,
    });
    return page.items.map((d) => ({
      id: d.id as string,
      productIds: ((d.product as { id: string }[] | undefined) ?? []).map((p) => p.id),
      type: d.type as string | undefined,
    }));
  }
}
