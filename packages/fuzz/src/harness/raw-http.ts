import http from "node:http";

export interface RawResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Sends exactly these bytes (no client-side JSON encoding, no charset fix-ups) over a kept-alive
 * connection. Resolves with the answer even when the server stops reading an oversized body
 * early; rejects only when no answer came at all.
 */
export async function sendRaw(agent: http.Agent, port: number, request: RawRequest): Promise<RawResponse> {
  try {
    return await sendOnce(agent, port, request);
  } catch (error) {
    // A kept-alive socket the server closed (after refusing a huge body) just as it was reused:
    // the request never reached the app, so sending it again is what any client would do.
    if ((error as { reusedSocket?: boolean }).reusedSocket) return sendOnce(agent, port, request);
    throw error;
  }
}

function sendOnce(agent: http.Agent, port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body ? { "content-length": String(request.body.length) } : {}) },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (!answered) reject(Object.assign(error, { reusedSocket: req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE") }));
    });
    req.end(request.body);
  });
}
