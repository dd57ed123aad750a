import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { TEST_KAFKA_BROKERS } from "./stack-env";

const REPO_ROOT = path.resolve(__dirname, "../../../..");
let libsDir: Promise<string> | undefined;

/** The Kafka jars the broker runs from (infra/kafka/kafka-fetch.sh: a no-op once they are cached). */
function kafkaLibs(): Promise<string> {
  libsDir ??= promisify(execFile)("bash", [path.join(REPO_ROOT, "infra/kafka/kafka-fetch.sh")]).then(({ stdout }) => stdout.trim());
  return libsDir;
}

export type JavaCodec = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/**
 * Produces `values` (one line each, no newlines) with Apache Kafka's own Java console producer,
 * compressed with `codec`: a client the team did not write, compressing as Java producers do.
 * One run sends them as few batches as its linger allows, so a batch holds many records.
 */
export async function produceWithJavaClient(topic: string, codec: JavaCodec, values: readonly string[]): Promise<void> {
  const libs = await kafkaLibs();
  const args = [
    "-Xmx256m",
    "-Dlog4j.configuration=file:/dev/null",
    "-cp",
    `${libs}/*`,
    "kafka.tools.ConsoleProducer",
    "--bootstrap-server",
    TEST_KAFKA_BROKERS.join(","),
    "--topic",
    topic,
    // Not --producer-property compression.type: the console producer overrides that with its own option.
    ...(codec === "none" ? [] : ["--compression-codec", codec]),
    "--producer-property",
    "linger.ms=100",
    "--producer-property",
    "acks=all",
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn("java", args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`java console producer exited ${code}: ${stderr.slice(-2000)}`))));
    child.stdin.end(values.map((value) => `${value}\n`).join(""));
  });
}
