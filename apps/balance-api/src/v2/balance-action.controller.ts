import { Body, Controller, Get, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type CommandContext, LedgerCommands, requestJson } from '@ledger/application';
import {
  BalanceTopupStatusDto,
  CreateBalanceAdjustmentDto,
  CreateBalanceTopupDto,
  TMF654_V2_PATH,
} from '@ledger/contracts';
import type { Doc } from '@ledger/ledger-projection';
import {
  BALANCE_ACTIVITY_QUERY,
  BALANCE_ADJUSTMENT_QUERY,
  BALANCE_TOPUP_QUERY,
  TmfQuery,
  TmfQueryParams,
  sendPage,
} from '../http/tmf-query';
import { Ctx } from '../http/request-context';
import { READ_ROLES, Roles } from '../auth/roles.decorator';
import { V2Presenter } from './v2-presenter';

/** R17's BalanceTopupStatusType: where a topup's status stands and since when. */
const topupStatus = (topup: Doc) => ({
  status: topup.status,
  statusChangeDate: topup.statusChangeDate ?? topup.confirmationDate ?? topup.requestedDate,
});

@ApiBearerAuth()
@ApiTags('balance actions (v2)')
@Controller(TMF654_V2_PATH)
export class BalanceActionController {
  constructor(
    private readonly commands: LedgerCommands,
    private readonly v2: V2Presenter,
  ) {}

  @Post('balanceTopup')
  @Roles('operator')
  @ApiOperation({ summary: 'Top up a bucket (confirmed at once unless status is "in progress")' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async topup(
    @Body() body: CreateBalanceTopupDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const topup = this.v2.present('topup', await this.commands.topup(requestJson(body), ctx));
    res.location(String(topup.href));
    return topup;
  }

  @Get('balanceTopup')
  @Roles(...READ_ROLES)
  async topups(@TmfQueryParams(BALANCE_TOPUP_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.v2.list('topup', query), res);
  }

  @Get('balanceTopup/:id')
  @Roles(...READ_ROLES)
  async getTopup(@Param('id') id: string) {
    return this.v2.get('topup', id);
  }

  @Get('balanceTopup/:id/status')
  @Roles(...READ_ROLES)
  async topupStatus(@Param('id') id: string) {
    return topupStatus(await this.v2.get('topup', id));
  }

  @Put('balanceTopup/:id/status')
  @Roles('operator')
  @ApiOperation({ summary: 'Confirm or cancel a topup; cancelling a confirmed topup reverses its credit once' })
  async setTopupStatus(@Param('id') id: string, @Body() body: BalanceTopupStatusDto, @Ctx() ctx: CommandContext) {
    return topupStatus(this.v2.found('topup', id, await this.commands.setTopupStatus(id, body, ctx)));
  }

  @Post('balanceAdjustment')
  @Roles('operator')
  @ApiOperation({ summary: 'Adjust a bucket: a positive amount credits, a negative one debits' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async adjust(
    @Body() body: CreateBalanceAdjustmentDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const adjustment = this.v2.present('adjustment', await this.commands.adjust(requestJson(body), ctx));
    res.location(String(adjustment.href));
    return adjustment;
  }

  @Get('balanceAdjustment')
  @Roles(...READ_ROLES)
  async adjustments(
    @TmfQueryParams(BALANCE_ADJUSTMENT_QUERY) query: TmfQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return sendPage(this.v2.list('adjustment', query), res);
  }

  @Get('balanceAdjustment/:id')
  @Roles(...READ_ROLES)
  async getAdjustment(@Param('id') id: string) {
    return this.v2.get('adjustment', id);
  }

  @Get('balanceActivity')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'Every action on buckets, newest first' })
  async activity(@TmfQueryParams(BALANCE_ACTIVITY_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.v2.list('activity', query), res);
  }

  @Get('balanceActivity/:id')
  @Roles(...READ_ROLES)
  async getActivity(@Param('id') id: string) {
    return this.v2.get('activity', id);
  }
}
