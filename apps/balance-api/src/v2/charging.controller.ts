import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ChargingCommands, type CommandContext, requestJson } from '@ledger/application';
import {
  BalanceDeductDto,
  BalanceUnreserveDto,
  CreateBalanceReserveDto,
  ExtendBalanceReserveDto,
  TMF654_V2_PATH,
  tmfError,
} from '@ledger/contracts';
import { domainError, isDomainError } from '@ledger/domain';
import type { Doc } from '@ledger/ledger-projection';
import { Ctx } from '../http/request-context';
import { READ_ROLES, Roles } from '../auth/roles.decorator';
import { V2Presenter } from './v2-presenter';

/**
 * R17's charging operations. A reservation lives in its bucket's stream and is read from there
 * (authoritative, never behind the write), under its bucket: /bucket/{id}/reservation/{id}.
 */
@ApiBearerAuth()
@ApiTags('charging (v2)')
@Controller(TMF654_V2_PATH)
export class ChargingController {
  constructor(
    private readonly charging: ChargingCommands,
    private readonly v2: V2Presenter,
  ) {}

  @Post('balanceReserve')
  @Roles('charging')
  @ApiOperation({ summary: 'Hold part of the available balance (amount − reservedAmount) until captured or expired' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async reserve(
    @Body() body: CreateBalanceReserveDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { reservedAmount, ...fields } = requestJson(body);
    const reserved = await this.charging.reserve({ ...fields, amount: reservedAmount }, ctx).catch(asReservedAmount);
    const reservation = this.reservation(reserved);
    res.location(String(reservation.href));
    return reservation;
  }

  @Post('balanceReserve/:id/extension')
  @HttpCode(200)
  @Roles('charging')
  @ApiOperation({ summary: 'Move the expiry of a held reservation later' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async extend(@Param('id') id: string, @Body() body: ExtendBalanceReserveDto, @Ctx() ctx: CommandContext) {
    return this.reservation(await this.charging.extend({ ...requestJson(body), reservationId: id }, ctx));
  }

  @Post('balanceUnreserve')
  @Roles('charging')
  @ApiOperation({ summary: 'Release all of a reservation, or part of it' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async unreserve(@Body() body: BalanceUnreserveDto, @Ctx() ctx: CommandContext) {
    const { balanceReserve, bucket, amount, reason } = requestJson(body);
    const input = { reservationId: balanceReserve.id, bucket: { id: bucket.id }, amount, reason };
    return this.reservation(await this.charging.unreserve(input, ctx));
  }

  @Post('balanceDeduct')
  @Roles('charging')
  @ApiOperation({ summary: 'Capture from a reservation (interim or final), or deduct directly without one' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async deduct(@Body() body: BalanceDeductDto, @Ctx() ctx: CommandContext) {
    const { balanceReserve, reason, bucket, ...fields } = requestJson(body);
    const input = { ...fields, bucket: { id: bucket.id }, reservationId: balanceReserve?.id, description: reason };
    const deduction = await this.charging.deduct(input, ctx);
    return { ...deduction, bucket: this.bucketRef(deduction), balanceReserve: this.reserveRef(deduction) };
  }

  @Get('bucket/:bucketId/reservation')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: "The bucket's reservations, read from its stream" })
  async reservations(@Param('bucketId') bucketId: string) {
    const found = await this.charging.reservations(bucketId);
    if (!found) throw notFound(`bucket ${bucketId} does not exist`);
    return found.map((r) => this.reservation(r));
  }

  @Get('bucket/:bucketId/reservation/:id')
  @Roles(...READ_ROLES)
  async getReservation(@Param('bucketId') bucketId: string, @Param('id') id: string) {
    const found = await this.charging.reservation(bucketId, id);
    if (!found) throw notFound(`reservation ${id} does not exist in bucket ${bucketId}`);
    return this.reservation(found);
  }

  private reservation(doc: Doc): Doc {
    const bucketId = (doc.bucket as { id: string }).id;
    const href = `${this.v2.href('bucket', bucketId)}/reservation/${encodeURIComponent(String(doc.id))}`;
    return { id: doc.id, href, ...doc, bucket: this.bucketRef(doc) };
  }

  private bucketRef(doc: Doc): Doc {
    const bucket = doc.bucket as Doc & { id: string };
    return { ...bucket, href: this.v2.href('bucket', bucket.id) };
  }

  private reserveRef(deduction: Doc): Doc | undefined {
    const ref = deduction.balanceReserve as { id: string } | undefined;
    const bucketId = (deduction.bucket as { id: string }).id;
    return ref && { id: ref.id, href: `${this.v2.href('bucket', bucketId)}/reservation/${encodeURIComponent(ref.id)}` };
  }
}

/** The domain names the reserve's quantity `amount`; this body calls it `reservedAmount`. */
function asReservedAmount(error: unknown): never {
  if (isDomainError(error) && error.field?.startsWith('amount')) {
    throw domainError(error.code, error.message, `reservedA${error.field.slice(1)}`);
  }
  throw error;
}

function notFound(message: string): NotFoundException {
  return new NotFoundException(tmfError(404, 'NOT_FOUND', 'Not found', message));
}
