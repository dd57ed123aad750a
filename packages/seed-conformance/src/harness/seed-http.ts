import http from "node:http";

export interface SeedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, undefined when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- seed shapes are asserted field by field
}

export interface SeedRequest {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A curl-like client that sends from a chosen loopback address: the rate limit is per client
 * address, so each replayed step gets an address of its own and the steps cannot share a window.
 */
export class SeedClient {
  private readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    readonly fromAddress = "127.0.0.1",
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 64, localAddress: fromAddress });
  }

  request(path: string, { method = "GET", body, headers = {} }: SeedRequest = {}): Promise<SeedResponse> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const sent = { ...(payload !== undefined && { "Content-Type": "application/json" }), ...headers };
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, agent: this.agent, headers: sent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
      });
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get(path: string, headers?: Record<string, string>): Promise<SeedResponse> {
    return this.request(path, { headers });
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<SeedResponse> {
    return this.request(path, { method: "POST", body, headers });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A loopback address of its own for one run (127.x.y.z): nobody else's requests share its rate-limit bucket. */
export function freshLoopbackAddress(): string {
  const byte = () => 1 + Math.floor(Math.random() * 250);
  return `127.${byte()}.${byte()}.${byte()}`;
}

/** `count` calls with at most `concurrency` in flight, like the seed's `&` loops with a `wait` every N. */
export async function inParallel<T>(count: number, concurrency: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await call(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
