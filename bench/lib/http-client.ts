import http from 'node:http';

/**
 * A lean JSON client over keep-alive sockets. The benchmark's clients share the
 * machine with the servers and PostgreSQL, so they must cost little CPU
 * (undici's fetch costs noticeably more per request).
 */
export class JsonClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  constructor(readonly baseUrl: string) {}

  request(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const req = http.request({ method, hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like request, but throws unless the status is the expected one. */
  async expect(status: number, method: string, path: string, body?: unknown, token?: string): Promise<any> {
    const res = await this.request(method, path, body, token);
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  }

  async login(username: string, password = 'demo'): Promise<string> {
    return (await this.expect(200, 'POST', '/api/v1/auth/login', { username, password })).token;
  }

  close(): void {
    this.agent.destroy();
  }
}
