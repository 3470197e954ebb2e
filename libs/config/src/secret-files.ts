import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** Reads a secret file's text; injected so the parsing stays testable without touching a disk. */
export type ReadTextFile = (path: string) => string;

/**
 * Variables that hold a secret, and so may instead be given as `NAME_FILE`: the path of a file
 * whose contents are the value (Docker and Kubernetes secrets are mounted as files, and a file is
 * not visible in `ps e` or `/proc/<pid>/environ` the way an environment value is).
 */
export const SECRET_FILE_VARIABLES: readonly string[] = [
  'DATABASE_URL',
  'EVENTSTORE_CONNECTION_STRING',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
];

function readSecret(name: string, path: string, readFile: ReadTextFile): string {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${name}_FILE`, `names a file that cannot be read (${reason}): "${path}"`);
  }
  // `echo secret > file` and most secret stores end the file with one newline that is not part of the value.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new ConfigError(`${name}_FILE`, `names an empty file: "${path}"`);
  return value;
}

/**
 * The environment with every `NAME_FILE` of `names` replaced by `NAME` = the file's contents.
 * Setting both is refused: which one wins would be a guess.
 */
export function resolveSecretFiles(env: Env, readFile: ReadTextFile, names = SECRET_FILE_VARIABLES): Env {
  const resolved: Env = { ...env };
  for (const name of names) {
    const path = env[`${name}_FILE`]?.trim();
    if (!path) continue;
    if (env[name] !== undefined && env[name] !== '') {
      throw new ConfigError(`${name}_FILE`, `and ${name} are both set; set only one of them`);
    }
    resolved[name] = readSecret(name, path, readFile);
    delete resolved[`${name}_FILE`];
  }
  return resolved;
}
