import { DynamicModule, Global, Module } from '@nestjs/common';
import { LedgerConfig, loadConfig } from './config';

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Tests pass an explicit config; processes read the environment once at start-up. */
  static forRoot(config: LedgerConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: LEDGER_CONFIG, useValue: config }],
      exports: [LEDGER_CONFIG],
    };
  }
}
