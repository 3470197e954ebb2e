import { Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ApiConfig } from '@ledger/config';
import { TEST_AUDIENCE, TEST_ISSUER, testKeys, tokenFor } from '../../../../test/support/test-auth';
import { configureHttp } from '../http/configure-http';
import { AuthModule } from './auth.module';
import { Public, READ_ROLES, Roles } from './roles.decorator';

const reached: string[] = [];

@Controller('t')
@Public()
class StandInController {
  @Get('open')
  @Public()
  open() {
    reached.push('open');
    return { ok: true };
  }

  @Get('read')
  @Roles(...READ_ROLES)
  read() {
    reached.push('read');
    return { ok: true };
  }

  @Post('admin')
  @Roles('admin')
  admin() {
    reached.push('admin');
    return { ok: true };
  }

  @Get('forgotten')
  @Roles()
  forgotten() {
    reached.push('forgotten');
    return { ok: true };
  }
}

@Controller('u')
class UnclassifiedController {
  @Get('forgotten')
  forgotten() {
    reached.push('unclassified');
    return { ok: true };
  }
}

const config = {
  auth: {
    keys: { kind: 'public-key', pem: testKeys().publicKeyPem },
    issuer: TEST_ISSUER,
    audience: [TEST_AUDIENCE],
    algorithms: ['RS256'],
    clockToleranceSeconds: 0,
    rolesClaim: 'roles',
  },
  rateLimits: { writesPerMinute: 1000, readsPerMinute: 1000 },
} as unknown as ApiConfig;

@Module({ imports: [AuthModule.forRoot(config)], controllers: [StandInController, UnclassifiedController] })
class StandInModule {}

/** The access guard on its own routes: what an unclassified route, a public one and a role check do. */
describe('the access guard', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(StandInModule, { bodyParser: false, logger: false });
    configureHttp(app, { bodyLimit: 65536 });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/t`.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    reached.length = 0;
  });

  const call = async (method: string, path: string, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses a route whose roles are empty, whatever the token holds', async () => {
    const res = await call('GET', '/forgotten', await tokenFor());
    expect(res).toEqual({ status: 403, body: expect.objectContaining({ code: 'AUTH.ROUTE_NOT_CLASSIFIED' }) });
    expect(reached).toEqual([]);
  });

  it('refuses a route of an unclassified controller', async () => {
    const res = await fetch(`${base.replace(/\/t$/, '/u')}/forgotten`, {
      headers: { authorization: `Bearer ${await tokenFor()}` },
    });
    expect(res.status).toBe(403);
    expect(reached).toEqual([]);
  });

  it('opens a public route without a token', async () => {
    expect((await call('GET', '/open')).status).toBe(200);
    expect(reached).toEqual(['open']);
  });

  it('runs the handler only for a caller holding a role the route names, though its controller is public', async () => {
    expect((await call('POST', '/admin', await tokenFor({ roles: ['operator', 'auditor'] }))).status).toBe(403);
    expect((await call('POST', '/admin')).status).toBe(401);
    expect(reached).toEqual([]);
    expect((await call('POST', '/admin', await tokenFor({ roles: ['admin'] }))).status).toBe(201);
    expect((await call('GET', '/read', await tokenFor({ roles: ['charging'] }))).status).toBe(200);
    expect(reached).toEqual(['admin', 'read']);
  });
});
