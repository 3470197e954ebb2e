export { ConfigError, type EventStoreKind, type LedgerConfig, loadConfig, loadConfigOrExit } from './config';
export { ConfigModule, LEDGER_CONFIG } from './config.module';
