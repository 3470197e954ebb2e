import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TokenVerifier } from '@ledger/auth';
import type { ApiConfig } from '@ledger/config';
import { AccessGuard } from './access.guard';
import { FixedWindowStorage } from './fixed-window-storage';
import { READS, RateLimitGuard, WRITES } from './rate-limit.guard';

const MINUTE_MS = 60_000;

/** Authentication, roles and rate limits for every route of the app, from the API's configuration. */
@Module({})
export class AuthModule {
  static forRoot(config: ApiConfig): DynamicModule {
    const { writesPerMinute, readsPerMinute } = config.rateLimits;
    return {
      module: AuthModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [
            { name: WRITES, ttl: MINUTE_MS, limit: writesPerMinute },
            { name: READS, ttl: MINUTE_MS, limit: readsPerMinute },
          ],
          storage: new FixedWindowStorage(),
          // Retry-After is set on a 429 by RateLimitGuard; per-throttler X-RateLimit-* headers would only be noise.
          setHeaders: false,
        }),
      ],
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(config.auth) },
        RateLimitGuard,
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
    };
  }
}
