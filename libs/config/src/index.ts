export { ConfigError, type EventStoreKind, type LedgerConfig, loadConfig, loadConfigOrExit } from './config';
export { ConfigModule, LEDGER_CONFIG } from './config.module';
export { maskSecrets } from './config-error';
export { type KafkaSaslMechanism, type KafkaSecurity } from './kafka-security';
export { type ReadTextFile, SECRET_FILE_VARIABLES, resolveSecretFiles } from './secret-files';
export {
  ASYMMETRIC_ALGORITHMS,
  type ApiConfig,
  type AuthConfig,
  type AuthKeySource,
  type RateLimitConfig,
  loadApiConfig,
  loadApiConfigOrExit,
  loadAuthConfig,
  loadRateLimits,
} from './api-config';
export { FATAL_EXIT_CODE, installProcessGuards } from './process-guards';
