import { loadConfig } from "../config";
import { kafkaSecurity } from "./kafka-security";

const kafkaConfig = (env: Record<string, string>) => loadConfig({ env: { KAFKA_BROKERS: "b:9092", DB_HOST: "db", REDIS_HOST: "redis", ...env }, cwd: "/nonexistent" }).config.kafka;
const files = (file: string) => Buffer.from(`contents of ${file}`);

describe("kafkaSecurity", () => {
  it("leaves TLS and SASL off by default", () => {
    expect(kafkaSecurity(kafkaConfig({}), files)).toEqual({});
  });

  it("maps kafka.tls, from the environment, to kafkajs's ssl options with the PEM files read", () => {
    const kafka = kafkaConfig({ KAFKA_TLS_ENABLED: "true", KAFKA_TLS_CA_FILE: "/ca.pem", KAFKA_TLS_CERT_FILE: "/c.pem", KAFKA_TLS_KEY_FILE: "/k.pem" });
    expect(kafkaSecurity(kafka, files)).toEqual({
      ssl: { rejectUnauthorized: true, ca: [Buffer.from("contents of /ca.pem")], cert: Buffer.from("contents of /c.pem"), key: Buffer.from("contents of /k.pem") },
    });
    expect(kafkaSecurity(kafkaConfig({ KAFKA_TLS_ENABLED: "1" }), files)).toEqual({ ssl: { rejectUnauthorized: true } });
  });

  it.each(["plain", "scram-sha-256", "scram-sha-512"] as const)("maps kafka.sasl with mechanism %s", (mechanism) => {
    const kafka = kafkaConfig({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" });
    expect(kafkaSecurity(kafka, files)).toEqual({ sasl: { mechanism, username: "u", password: "p" } });
  });

  it("refuses a SASL mechanism without credentials, an unknown mechanism, and a certificate without its key", () => {
    expect(() => kafkaConfig({ KAFKA_SASL_MECHANISM: "plain" })).toThrow(/kafka\.sasl\.username/);
    expect(() => kafkaConfig({ KAFKA_SASL_MECHANISM: "gssapi", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" })).toThrow(/kafka\.sasl\.mechanism/);
    expect(() => kafkaConfig({ KAFKA_TLS_CERT_FILE: "/c.pem" })).toThrow(/kafka\.tls\.cert_file/);
  });
});
