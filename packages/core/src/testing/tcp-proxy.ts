import { connect, createServer, type Socket } from "node:net";

export interface TcpProxy {
  /** The local port clients connect to (127.0.0.1). */
  port: number;
  /** Simulates an outage: drops every open connection and resets new ones at once. */
  cut(): void;
  /** Ends the outage: new connections reach the target again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `targetHost:targetPort`, so a test can take a real
 * dependency (PostgreSQL, Redis, Kafka) away from one process without stopping it for everyone.
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    // A reset on one side is expected during a cut; the other side is torn down with it.
    socket.on("error", () => undefined);
  };

  const server = createServer((client) => {
    track(client);
    if (isCut) {
      // Reset rather than accept-and-hang, as a stopped server would: clients fail fast.
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: targetHost, port: targetPort });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const dropAll = () => {
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };

  return {
    port,
    cut: () => {
      isCut = true;
      dropAll();
    },
    restore: () => {
      isCut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
