import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AUDIT_V1_PATH, type BalanceAt, balanceAt } from '@ledger/audit';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { Roles } from '../auth/roles.decorator';
import { balancePoint, bucketNotFound, refuseUnknown } from './audit-query';

/**
 * The bucket as its stream folds up to an instant or a revision, read from the event store and
 * folded with the domain's evolve: the read model plays no part. Amounts are exact JSON numbers,
 * as the TMF API writes them, so the answer compares with what the API said at the time.
 */
@ApiTags('audit')
@Roles('auditor')
@Controller(AUDIT_V1_PATH)
export class AuditBalanceController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('bucket/:id/balance')
  @ApiOperation({ summary: 'The bucket as its event stream folds up to `at` (RFC 3339) or `revision`' })
  @ApiQuery({ name: 'at', required: false, description: 'RFC 3339 instant with a zone' })
  @ApiQuery({ name: 'revision', required: false, description: 'Stream revision (0-based)' })
  @ApiOkResponse({ description: 'The bucket, the revision it stands on and the event stored there' })
  async balance(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<BalanceAt> {
    refuseUnknown(query, ['at', 'revision']);
    const point = balancePoint(query);
    const answer = await balanceAt(this.store, id, point);
    if (answer.kind === 'found') return answer.balance;
    if (answer.kind === 'no-stream') throw bucketNotFound(id);
    if ('revision' in point) {
      const end = answer.lastRevision === undefined ? 'has no events' : `ends at revision ${answer.lastRevision}`;
      throw bucketNotFound(id, `has no revision ${point.revision}: its stream ${end}`);
    }
    throw bucketNotFound(id, `did not exist yet at ${point.at}`);
  }
}
