import { ConfigError, loadConfig } from './config';
import { maskSecrets } from './config-error';
import type { ReadTextFile } from './secret-files';

/** A disk of named files for `readFile`; a missing one fails like the real one (ENOENT). */
function files(contents: Record<string, string>): ReadTextFile {
  return (path) => {
    if (Object.hasOwn(contents, path)) return contents[path];
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  };
}
const noFiles = files({});

function messageOf(env: Record<string, string>, readFile = noFiles): string {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`configuration ${JSON.stringify(env)} was accepted`);
}

describe('configuration errors never echo a secret', () => {
  it.each([
    ['a DATABASE_URL with the wrong protocol', { DATABASE_URL: 'mysql://ledger:hunter2@db:3306/x' }],
    ['a DATABASE_URL with a bad sslmode', { DATABASE_URL: 'postgres://ledger:hunter2@db/x?sslmode=always' }],
  ])('leaves the value out of the message for %s', (_name, env) => {
    expect(messageOf(env)).not.toContain('hunter2');
  });

  it.each([
    ['a DATABASE_URL that does not parse', { DATABASE_URL: 'postgres://ledger:hunter2@db:port/x' }],
    ['a DATABASE_URL whose password holds an @', { DATABASE_URL: 'postgres://ledger:hun@ter2@db:port/x' }],
    ['a DATABASE_URL with a password parameter', { DATABASE_URL: 'postgres://db:port/x?user=u&password=hunter2' }],
    ['an EventStoreDB connection string', { EVENTSTORE_CONNECTION_STRING: 'kurrent://admin:hunter2@es:2113' }],
  ])('masks the password where the message quotes %s', (_name, env) => {
    const message = messageOf(env);
    expect(message).not.toMatch(/hunter2|hun|ter2/);
    expect(message).toContain('***');
  });

  it('keeps the user and host, so the operator still sees which server was meant', () => {
    expect(maskSecrets('got "mysql://ledger:hunter2@db:3306/x"')).toBe('got "mysql://ledger:***@db:3306/x"');
    expect(maskSecrets('esdb://admin:changeit@a:2113,b:2113?tls=true')).toBe('esdb://admin:***@a:2113,b:2113?tls=true');
  });

  it('leaves a URL without credentials as it is', () => {
    expect(maskSecrets('postgres://db:5432/ledger?sslmode=require')).toBe('postgres://db:5432/ledger?sslmode=require');
  });
});

describe('REQUEST_BODY_LIMIT', () => {
  it.each([
    ['64kb', 65_536],
    ['64k', 65_536],
    ['64KB', 65_536],
    ['1mb', 1_048_576],
    ['2m', 2_097_152],
    ['512b', 512],
    ['4096', 4096],
  ])('reads %s as %d bytes', (raw, bytes) => {
    expect(loadConfig({ REQUEST_BODY_LIMIT: raw }).requestBodyLimit).toBe(bytes);
  });

  it('defaults to 64kb', () => {
    expect(loadConfig({}).requestBodyLimit).toBe(65_536);
  });

  it.each(['abc', '64 kilobytes', '1gb', '1.5mb', '-1', '0', '17mb'])('refuses "%s" naming the variable', (raw) => {
    expect(messageOf({ REQUEST_BODY_LIMIT: raw })).toMatch(/^Invalid configuration: REQUEST_BODY_LIMIT /);
  });
});

describe('secrets from *_FILE variables', () => {
  const disk = files({
    '/run/secrets/db': 'postgres://ledger:s3cret@db:5432/ledger\n',
    '/run/secrets/esdb': 'esdb://admin:s3cret@es:2113?tls=true',
    '/run/secrets/kafka': 's3cret\r\n',
    '/run/secrets/empty': '\n',
  });

  it('reads DATABASE_URL, EVENTSTORE_CONNECTION_STRING and KAFKA_SASL_PASSWORD from files, without the final newline', () => {
    const config = loadConfig(
      {
        DATABASE_URL_FILE: '/run/secrets/db',
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING_FILE: '/run/secrets/esdb',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'ledger',
        KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka',
      },
      disk,
    );
    expect(config.databaseUrl).toBe('postgres://ledger:s3cret@db:5432/ledger');
    expect(config.eventStoreConnectionString).toBe('esdb://admin:s3cret@es:2113?tls=true');
    expect(config.kafkaSecurity.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ledger', password: 's3cret' });
  });

  it('refuses a variable set both directly and as a file', () => {
    const env = { DATABASE_URL: 'postgres://db/x', DATABASE_URL_FILE: '/run/secrets/db' };
    expect(messageOf(env, disk)).toMatch(/^Invalid configuration: DATABASE_URL_FILE and DATABASE_URL are both set/);
  });

  it.each([
    ['a missing file', '/run/secrets/nope', /cannot be read \(ENOENT\)/],
    ['an empty file', '/run/secrets/empty', /names an empty file/],
  ])('refuses %s, naming the *_FILE variable', (_name, path, problem) => {
    const message = messageOf({ KAFKA_SASL_PASSWORD_FILE: path }, disk);
    expect(message).toMatch(/^Invalid configuration: KAFKA_SASL_PASSWORD_FILE /);
    expect(message).toMatch(problem);
  });

  it('masks a bad DATABASE_URL read from a file like one set directly', () => {
    const message = messageOf(
      { DATABASE_URL_FILE: '/run/secrets/bad' },
      files({ '/run/secrets/bad': 'mysql://u:s3cret@db/x' }),
    );
    expect(message).toMatch(/^Invalid configuration: DATABASE_URL /);
    expect(message).not.toContain('s3cret');
  });
});

describe('Kafka TLS and SASL', () => {
  const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('connects in plain text without SASL by default', () => {
    expect(loadConfig({}).kafkaSecurity).toEqual({ ssl: false });
  });

  it('reads TLS with a private CA and each SASL mechanism', () => {
    const base = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SASL_USERNAME: 'u' };
    for (const [raw, mechanism] of [
      ['SCRAM-SHA-512', 'scram-sha-512'],
      ['scram-sha-256', 'scram-sha-256'],
      ['PLAIN', 'plain'],
    ]) {
      const env = { ...base, KAFKA_SASL_MECHANISM: raw, KAFKA_SASL_PASSWORD: 'p' };
      expect(loadConfig(env, files({ '/etc/kafka/ca.pem': ca })).kafkaSecurity).toEqual({
        ssl: { ca },
        sasl: { mechanism, username: 'u', password: 'p' },
      });
    }
  });

  it('uses the system CAs when KAFKA_SSL=true without a CA file', () => {
    expect(loadConfig({ KAFKA_SSL: 'true' }).kafkaSecurity).toEqual({ ssl: {} });
  });

  it.each([
    ['KAFKA_SSL', { KAFKA_SSL: 'yes' }],
    ['KAFKA_SSL_CA_FILE', { KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }],
    ['KAFKA_SSL_CA_FILE', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/missing.pem' }],
    ['KAFKA_SSL_CA_FILE', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/not-pem' }],
    ['KAFKA_SASL_MECHANISM', { KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }],
    ['KAFKA_SASL_MECHANISM', { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }],
    ['KAFKA_SASL_USERNAME', { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_PASSWORD: 'p' }],
    ['KAFKA_SASL_PASSWORD', { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u' }],
  ])('refuses a bad %s', (variable, env) => {
    const disk = files({ '/etc/kafka/ca.pem': ca, '/etc/kafka/not-pem': 'hello' });
    expect(messageOf(env, disk)).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('never quotes the SASL password', () => {
    expect(messageOf({ KAFKA_SASL_PASSWORD: 'hunter2' })).not.toContain('hunter2');
  });
});

describe('PostgreSQL TLS in DATABASE_URL', () => {
  it.each(['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'])('accepts sslmode=%s', (mode) => {
    expect(loadConfig({ DATABASE_URL: `postgres://db/x?sslmode=${mode}` }).databaseUrl).toContain(mode);
  });

  it('refuses an sslmode node-postgres would ignore, and an sslrootcert it could not read', () => {
    expect(messageOf({ DATABASE_URL: 'postgres://db/x?sslmode=verify_full' })).toMatch(
      /sslmode=verify_full; use one of/,
    );
    expect(messageOf({ DATABASE_URL: 'postgres://db/x?sslmode=verify-full&sslrootcert=/ca.pem' })).toMatch(
      /sslrootcert=\/ca.pem, a file that cannot be read \(ENOENT\)/,
    );
  });
});

describe('pool and list limits', () => {
  it('defaults to 20 connections, a 5 s wait for one, and an exact count up to 10,000', () => {
    expect(loadConfig({})).toMatchObject({
      databasePool: { max: 20, connectionTimeoutMs: 5000 },
      listCountCap: 10_000,
    });
  });

  it('reads DATABASE_POOL_MAX, DATABASE_POOL_TIMEOUT_MS and LIST_COUNT_CAP', () => {
    const env = { DATABASE_POOL_MAX: '4', DATABASE_POOL_TIMEOUT_MS: '250', LIST_COUNT_CAP: '500' };
    expect(loadConfig(env)).toMatchObject({ databasePool: { max: 4, connectionTimeoutMs: 250 }, listCountCap: 500 });
  });

  it.each([
    ['DATABASE_POOL_MAX', '0'],
    ['DATABASE_POOL_TIMEOUT_MS', '0'],
    ['LIST_COUNT_CAP', 'many'],
  ])('refuses %s=%s', (variable, value) => {
    expect(messageOf({ [variable]: value })).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
