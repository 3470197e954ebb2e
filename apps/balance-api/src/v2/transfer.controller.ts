import { Body, ConflictException, Controller, Get, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type CommandContext, LedgerQueries, TransferProcess, requestJson } from '@ledger/application';
import {
  BalanceTransferStatusDto,
  CreateBalanceTransferDto,
  TMF654_V2_PATH,
  TRANSFER_STATUSES,
  tmfError,
} from '@ledger/contracts';
import type { RelatedPartyRef } from '@ledger/domain';
import { type Doc, transferStateDoc } from '@ledger/ledger-projection';
import { type ResourceQuerySpec, TmfQuery, TmfQueryParams, sendPage } from '../http/tmf-query';
import { Ctx } from '../http/request-context';
import { READ_ROLES, Roles } from '../auth/roles.decorator';
import { V2Presenter } from './v2-presenter';

/** The status resource of a transfer: where it stands and since when. */
const transferStatus = (transfer: Doc) => ({
  status: transfer.status,
  statusChangeDate: transfer.completedDate ?? transfer.requestedDate,
});

const BALANCE_TRANSFER_QUERY: ResourceQuerySpec = {
  filters: ['id', 'status', 'bucket.id', 'receiverBucket.id', 'requestor.id', 'costOwner'],
  values: { status: TRANSFER_STATUSES },
};

@ApiBearerAuth()
@ApiTags('balance transfers (v2)')
@Controller(TMF654_V2_PATH)
export class TransferController {
  constructor(
    private readonly transfers: TransferProcess,
    private readonly queries: LedgerQueries,
    private readonly v2: V2Presenter,
  ) {}

  @Post('balanceTransfer')
  @Roles('charging')
  @ApiOperation({ summary: 'Move an amount between two buckets; answers once the transfer is completed or failed' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async transfer(
    @Body() body: CreateBalanceTransferDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const json = requestJson(body) as unknown as CreateBalanceTransferDto;
    const outcome = await this.transfers.request(
      {
        sourceBucketId: json.bucket.id,
        targetBucketId: json.receiverBucket.id,
        amount: json.amount,
        transferCost: json.transferCost,
        costOwner: json.costOwner,
        requestor: json.requestor as RelatedPartyRef | undefined,
        description: json.description,
      },
      ctx,
    );
    if (outcome.state.status === 'none') throw new Error('a requested transfer has no stream');
    const id = outcome.state.request.transferId;
    const row = await this.queries.find('transfer', id);
    // The read model may lag a process step: the stream's own state is the authority for the answer.
    const doc = row && row.state === outcome.state.status ? row : transferStateDoc(outcome.state);
    const transfer = this.v2.present('transfer', doc);
    res.location(String(transfer.href));
    return transfer;
  }

  @Get('balanceTransfer')
  @Roles(...READ_ROLES)
  async list(@TmfQueryParams(BALANCE_TRANSFER_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.v2.list('transfer', query), res);
  }

  @Get('balanceTransfer/:id')
  @Roles(...READ_ROLES)
  async get(@Param('id') id: string) {
    return this.v2.get('transfer', id);
  }

  @Get('balanceTransfer/:id/status')
  @Roles(...READ_ROLES)
  async status(@Param('id') id: string) {
    return transferStatus(await this.v2.get('transfer', id));
  }

  /**
   * The process alone moves a transfer's status: a PUT of the status it already has answers it
   * (a harmless retry), any other is refused with 409 and changes nothing.
   */
  @Put('balanceTransfer/:id/status')
  @Roles('charging')
  @ApiOperation({ summary: 'Accepted only for the current status: the transfer process owns every change' })
  async setStatus(@Param('id') id: string, @Body() body: BalanceTransferStatusDto) {
    const current = transferStatus(await this.v2.get('transfer', id));
    if (current.status === body.status) return current;
    throw new ConflictException(
      tmfError(
        409,
        'TRANSFER.INVALID_TRANSITION',
        'Conflict',
        `status: transfer ${id} is ${String(current.status)}; only the transfer process changes it`,
      ),
    );
  }
}
