import net from "node:net";
import tls from "node:tls";
import { Kafka, type ISocketFactory, logLevel, type LogEntry } from "kafkajs";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { registerCompressionCodecs } from "./compression-codecs";
import { kafkaSecurity } from "./kafka-security";

const LEVELS: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/**
 * kafkajs's default socket with Nagle's algorithm off: small requests (offset commits,
 * heartbeats) otherwise wait for the broker's delayed ACK on every round trip.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port, noDelay: true }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/**
 * A kafkajs client whose logs go through the app's winston logger, with the configured TLS and
 * SASL, and every compression codec Kafka producers use registered.
 */
export function createKafka(kafka: Config["kafka"], logger: Logger, clientId = kafka.client_id): Kafka {
  registerCompressionCodecs({ maxDecompressedBatchBytes: kafka.max_decompressed_batch_bytes });
  return new Kafka({
    clientId,
    brokers: kafka.brokers,
    ...kafkaSecurity(kafka),
    socketFactory: noDelaySocketFactory,
    connectionTimeout: kafka.connection_timeout,
    // kafkajs logs every rebalance and reconnect at INFO; WARN keeps the app log readable.
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger.log(LEVELS[level] ?? "info", message, { component: `kafkajs.${namespace}`, ...rest });
      },
    retry: { initialRetryTime: 300, retries: 10 },
  });
}
