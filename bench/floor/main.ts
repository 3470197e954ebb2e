/**
 * The HTTP stack of balance-api and nothing else: the same Nest + Express wiring, lossless JSON
 * and validation of the same request DTOs, answering each command at once with no I/O. Scenario 1
 * measures it beside the service, so the table shows how much of a command's cost is the
 * framework's before the ledger does anything. Listens on $PORT.
 */
import 'reflect-metadata';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CreateBalanceAdjustmentDto, CreateBalanceTopupDto, TMF654_V2_PATH } from '@ledger/contracts';
import { configureHttp } from '../../apps/balance-api/src/http/configure-http';

@Controller(TMF654_V2_PATH)
class FloorController {
  @Post('balanceTopup')
  topup(@Body() body: CreateBalanceTopupDto) {
    return { id: 'floor', ...(body as object) };
  }

  @Post('balanceAdjustment')
  adjust(@Body() body: CreateBalanceAdjustmentDto) {
    return { id: 'floor', ...(body as object) };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(FloorModule, { bodyParser: false, logger: ['error', 'warn'] });
  configureHttp(app, { bodyLimit: '64kb' });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write(`framework floor listening on ${process.env.PORT}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`framework floor failed to start: ${String(error)}\n`);
  process.exit(1);
});
