import { DatabaseUnreachable, unreachableService } from "./cli-errors";

describe("unreachableService", () => {
  const kafkaError = (name: string, cause?: Error) => Object.assign(new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9092", { cause }), { name, code: "ECONNREFUSED" });

  it("tells PostgreSQL's connection failures from Kafka's, through kafkajs' wrapping", () => {
    expect(unreachableService(new DatabaseUnreachable("cannot use the database"))).toBe("DATABASE_URL");
    expect(unreachableService(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe("DATABASE_URL");
    expect(unreachableService(Object.assign(new Error('password authentication failed for user "postgres"'), { code: "28P01" }))).toBe("DATABASE_URL");
    expect(unreachableService(kafkaError("KafkaJSConnectionError"))).toBe("KAFKA_BROKERS");
    expect(unreachableService(kafkaError("KafkaJSNumberOfRetriesExceeded", kafkaError("KafkaJSConnectionError")))).toBe("KAFKA_BROKERS");
  });

  it("is undefined for a failure that is not about reaching a service", () => {
    expect(unreachableService(Object.assign(new Error('relation "api_keys" does not exist'), { code: "42P01" }))).toBeUndefined();
    expect(unreachableService(new Error("no such file"))).toBeUndefined();
    expect(unreachableService("text")).toBeUndefined();
  });
});
