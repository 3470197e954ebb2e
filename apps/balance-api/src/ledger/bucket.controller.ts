import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateBucketDto } from '@ledger/contracts';
import { BUCKET_QUERY, TmfQuery, TmfQueryParams, sendPage } from '../http/tmf-query';
import { LedgerCommands, RequestContext } from './ledger-commands.service';
import { LedgerReads } from './ledger-reads.service';
import { Ctx } from './request-context';

export const V2 = 'tmf-api/prepayBalanceManagement/v2';

@ApiTags('bucket (v2)')
@Controller(V2)
export class BucketController {
  constructor(private readonly commands: LedgerCommands, private readonly reads: LedgerReads) {}

  @Post('bucket')
  @ApiOperation({ summary: 'Create a bucket (extension to R17, as in TMF654 v4)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The BucketBalance, with Location = href' })
  async create(@Body() body: CreateBucketDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const bucket = await this.commands.openBucket(body as never, ctx);
    res.location(String(bucket.href));
    return bucket;
  }

  @Get('bucket')
  @ApiOperation({ summary: 'List buckets (fields, filters, offset/limit)' })
  async list(@TmfQueryParams(BUCKET_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.reads.list('bucket', query), res);
  }

  @Get('bucket/:id')
  async get(@Param('id') id: string) {
    return this.reads.get('bucket', id);
  }

  @Get('product/:productId/bucket')
  @ApiOperation({ summary: "List a product's buckets" })
  async byProduct(@Param('productId') productId: string, @TmfQueryParams(BUCKET_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.reads.list('bucket', { ...query, filters: [...query.filters, { path: 'product.id', value: productId }] }), res);
  }
}
