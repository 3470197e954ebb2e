import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type CommandContext, LedgerCommands, requestJson } from '@ledger/application';
import { CreateBucketDto, TMF654_V2_PATH } from '@ledger/contracts';
import { BUCKET_QUERY, TmfQuery, TmfQueryParams, sendPage } from '../http/tmf-query';
import { Ctx } from '../http/request-context';
import { READ_ROLES, Roles } from '../auth/roles.decorator';
import { V2Presenter } from './v2-presenter';

@ApiBearerAuth()
@ApiTags('bucket (v2)')
@Controller(TMF654_V2_PATH)
export class BucketController {
  constructor(
    private readonly commands: LedgerCommands,
    private readonly v2: V2Presenter,
  ) {}

  @Post('bucket')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a bucket (extension to R17, as in TMF654 v4)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ description: 'The BucketBalance, with Location = href' })
  async create(@Body() body: CreateBucketDto, @Ctx() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const bucket = this.v2.present('bucket', await this.commands.openBucket(requestJson(body), ctx));
    res.location(String(bucket.href));
    return bucket;
  }

  @Get('bucket')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'List buckets (fields, filters, offset/limit)' })
  async list(@TmfQueryParams(BUCKET_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response) {
    return sendPage(this.v2.list('bucket', query), res);
  }

  @Get('bucket/:id')
  @Roles(...READ_ROLES)
  async get(@Param('id') id: string) {
    return this.v2.get('bucket', id);
  }

  @Get('product/:productId/bucket')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: "List a product's buckets" })
  async byProduct(
    @Param('productId') productId: string,
    @TmfQueryParams(BUCKET_QUERY) query: TmfQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const filters = [...query.filters, { path: 'product.id', value: productId }];
    return sendPage(this.v2.list('bucket', { ...query, filters }), res);
  }
}
