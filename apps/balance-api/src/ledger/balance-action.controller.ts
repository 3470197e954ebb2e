import { Body, Controller, Get, Param, Post, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BalanceTopupStatusDto, CreateBalanceAdjustmentDto, CreateBalanceTopupDto } from '@ledger/contracts';
import {
  BALANCE_ACTIVITY_QUERY,
  BALANCE_ADJUSTMENT_QUERY,
  BALANCE_TOPUP_QUERY,
  TmfQuery,
  TmfQueryParams,
  sendPage,
} from '../http/tmf-query';
import { V2 } from './bucket.controller';
import { LedgerCommands, RequestContext } from './ledger-commands.service';
import { LedgerReads } from './ledger-reads.service';
import { Ctx } from './request-context';

@ApiTags('balance actions (v2)')
@Controller(V2)
export class BalanceActionController {
  constructor(private readonly commands: LedgerCommands, private readonly reads: LedgerReads) {}

  @Post('balanceTopup')
  @ApiOperation({ summary: 'Top up a bucket (confirmed at once unless status is "in progress")' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async topup(@Body() body: CreateBalanceTopupDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const topup = await this.commands.topup(body as never, ctx);
    res.location(String(topup.href));
    return topup;
  }

  @Get('balanceTopup')
  async topups(@TmfQueryParams(BALANCE_TOPUP_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.reads.list('topup', query), res);
  }

  @Get('balanceTopup/:id')
  async getTopup(@Param('id') id: string) {
    return this.reads.get('topup', id);
  }

  @Get('balanceTopup/:id/status')
  async topupStatus(@Param('id') id: string) {
    const topup = await this.reads.get('topup', id);
    return { status: topup.status, statusChangeDate: topup.statusChangeDate ?? topup.confirmationDate ?? topup.requestedDate };
  }

  @Put('balanceTopup/:id/status')
  @ApiOperation({ summary: 'Confirm or cancel a topup; cancelling a confirmed topup reverses its credit once' })
  async setTopupStatus(@Param('id') id: string, @Body() body: BalanceTopupStatusDto, @Ctx() ctx: RequestContext) {
    const topup = await this.commands.setTopupStatus(id, body.status, ctx);
    return { status: topup.status, statusChangeDate: topup.statusChangeDate ?? topup.confirmationDate ?? topup.requestedDate };
  }

  @Post('balanceAdjustment')
  @ApiOperation({ summary: 'Adjust a bucket: a positive amount credits, a negative one debits' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async adjust(@Body() body: CreateBalanceAdjustmentDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const adjustment = await this.commands.adjust(body as never, ctx);
    res.location(String(adjustment.href));
    return adjustment;
  }

  @Get('balanceAdjustment')
  async adjustments(@TmfQueryParams(BALANCE_ADJUSTMENT_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.reads.list('adjustment', query), res);
  }

  @Get('balanceAdjustment/:id')
  async getAdjustment(@Param('id') id: string) {
    return this.reads.get('adjustment', id);
  }

  @Get('balanceActivity')
  @ApiOperation({ summary: 'Every action on buckets, newest first' })
  async activity(@TmfQueryParams(BALANCE_ACTIVITY_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.reads.list('activity', query), res);
  }

  @Get('balanceActivity/:id')
  async getActivity(@Param('id') id: string) {
    return this.reads.get('activity', id);
  }
}
