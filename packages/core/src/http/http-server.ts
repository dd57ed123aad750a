import { createServer, type Server } from "node:http";
import type { Express } from "express";
import { expressMessageClasses } from "./express-messages";

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Listens and resolves once bound; close() stops accepting and ends idle keep-alive sockets. */
export function listen(app: Express, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = createServer(expressMessageClasses(app), app);
    server.listen(port, host);
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        server,
        port: typeof address === "object" && address ? address.port : port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
