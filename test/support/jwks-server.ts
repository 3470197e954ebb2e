import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched: a token with an unknown kid makes the verifier refetch. */
  readonly fetches: number;
  close(): Promise<void>;
}

/** A real HTTP server publishing public keys as an OIDC provider's jwks_uri does. */
export async function startJwksServer(keys: { kid: string; publicKeyPem: string; alg: string }[]): Promise<JwksServer> {
  const body = JSON.stringify({
    keys: keys.map(({ kid, publicKeyPem, alg }) => ({
      ...createPublicKey(publicKeyPem).export({ format: 'jwk' }),
      kid,
      alg,
      use: 'sig',
    })),
  });
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The verifier's fetch keeps its connection alive; close() alone would wait for it to idle out.
        server.closeAllConnections();
      }),
  };
}
