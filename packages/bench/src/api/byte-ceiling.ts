// The ceiling of a read scenario: a bare node:http server in the bench's own process answering
// every request with the bytes the API answered (same status, Content-Type and length), taken
// from memory. Under the same load process it shows what sending and reading the response alone
// costs on this machine; the API cannot be faster, and a target it cannot meet either is out of
// reach for any server of this response.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedResponse {
  body: Buffer;
  contentType: string;
}

export interface ByteServer {
  url: string;
  close(): Promise<void>;
}

export function startByteServer(response: CapturedResponse): Promise<ByteServer> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": response.contentType, "Content-Length": response.body.length });
    res.end(response.body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
