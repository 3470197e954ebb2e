/**
 * A configuration problem, named by its variable. Messages end up in logs and terminals, so every
 * one is masked on the way in: a connection string quoted back to the operator keeps its user and
 * host but never its password, whichever check produced the message.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(maskSecrets(`Invalid configuration: ${variable} ${problem}`));
    this.name = 'ConfigError';
  }
}

/** `scheme://user:password@`: greedy up to the last `@` of the token, so a password holding an unescaped `@` is masked whole. */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s"'/]*)@/gi;
/** libpq/esdb-style secret parameters inside a connection string or a query. */
const SECRET_PARAMETER = /([?&;]\s*(?:password|passwd|pwd|sslpassword|secret|token|access_token)\s*=)[^&;\s"']*/gi;

/** Replaces credentials in anything that may quote a URL or connection string: `postgres://u:***@h/db`. */
export function maskSecrets(text: string): string {
  return text
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    })
    .replace(SECRET_PARAMETER, '$1***');
}
