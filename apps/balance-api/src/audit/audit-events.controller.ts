import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { once } from 'node:events';
import type { Request, Response } from 'express';
import { AUDIT_V1_PATH, replayPage, replayStream, streamExists } from '@ledger/audit';
import { bucketStream } from '@ledger/domain';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { Roles } from '../auth/roles.decorator';
import { bucketNotFound, eventsLimit, refuseUnknown, wholeNumber } from './audit-query';

const NDJSON = 'application/x-ndjson';

/**
 * A bucket's event stream as stored, each event with its hash-chain link checked. Data and
 * metadata are sent verbatim (amounts as the decimal strings that were hashed), so an auditor can
 * recompute every hash from the answer alone; hence plain JSON here, not the TMF number writer.
 */
@ApiTags('audit')
@Roles('auditor')
@Controller(AUDIT_V1_PATH)
export class AuditEventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('bucket/:id/events')
  @ApiOperation({ summary: "Replay a bucket's event stream with its hash chain checked (fromRevision, limit)" })
  @ApiHeader({
    name: 'Accept',
    required: false,
    description: `${NDJSON}: the stream from fromRevision on, one event per line`,
  })
  @ApiOkResponse({ description: 'Events oldest first; X-Total-Count = events in the stream' })
  async events(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    refuseUnknown(query, ['fromRevision', 'limit']);
    const fromRevision = wholeNumber(query, 'fromRevision') ?? 0n;
    const limit = eventsLimit(query);
    if (req.accepts(['application/json', NDJSON]) === NDJSON) {
      return this.streamNdjson(id, fromRevision, query.limit === undefined ? undefined : limit, res);
    }
    const page = await replayPage(this.store, bucketStream(id), fromRevision, limit);
    if (!page) throw bucketNotFound(id);
    res.setHeader('X-Total-Count', (page.lastRevision + 1n).toString());
    res.setHeader('X-Result-Count', String(page.events.length));
    res.status(200).type('application/json').send(JSON.stringify(page.events));
  }

  /** One page of the stream in memory at a time, and no faster than the client reads. */
  private async streamNdjson(
    id: string,
    fromRevision: bigint,
    limit: number | undefined,
    res: Response,
  ): Promise<void> {
    const stream = bucketStream(id);
    if (!(await streamExists(this.store, stream))) throw bucketNotFound(id);
    res.status(200).type(NDJSON);
    let sent = 0;
    for await (const { audited } of replayStream(this.store, stream, { fromRevision })) {
      if (res.destroyed || (limit !== undefined && sent >= limit)) break;
      if (!res.write(`${JSON.stringify(audited)}\n`)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      sent++;
    }
    res.end();
  }
}
