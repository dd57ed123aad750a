import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import type { SASLOptions } from "kafkajs";
import type { Config } from "../config";

export interface KafkaSecurity {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
}

/** kafkajs's ssl and sasl options from kafka.tls and kafka.sasl; files are read with `read` (injected for tests). */
export function kafkaSecurity(kafka: Pick<Config["kafka"], "tls" | "sasl">, read: (file: string) => Buffer = readFileSync): KafkaSecurity {
  const { tls, sasl } = kafka;
  const security: KafkaSecurity = {};
  if (tls.enabled) {
    security.ssl = {
      rejectUnauthorized: tls.reject_unauthorized,
      ...(tls.ca_file === "" ? {} : { ca: [read(tls.ca_file)] }),
      ...(tls.cert_file === "" ? {} : { cert: read(tls.cert_file), key: read(tls.key_file) }),
    };
  }
  if (sasl.mechanism !== "none") {
    security.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
  }
  return security;
}
