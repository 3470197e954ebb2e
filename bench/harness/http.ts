import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  body: string;
}

/** A keep-alive client for loopback load: one socket per concurrent request, no fetch overhead. */
export class HttpClient {
  private readonly agent: Agent;

  /** `headers` go with every request (the service's bearer token). */
  constructor(
    private readonly base: string,
    maxSockets: number,
    private readonly headers: Record<string, string> = {},
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const payload = Buffer.from(JSON.stringify(body));
    const url = new URL(this.base + path);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            ...this.headers,
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('HTTP request timed out after 30 s')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** POST that must answer `expected` (201 by default); returns the parsed body. */
  async create(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    expected = 201,
  ): Promise<Record<string, unknown>> {
    const res = await this.post(path, body, headers);
    if (res.status !== expected) throw new Error(`POST ${path}: ${res.status} ${res.body.slice(0, 200)}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  }

  close(): void {
    this.agent.destroy();
  }
}
