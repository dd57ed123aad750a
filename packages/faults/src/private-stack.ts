import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "@trading-analytics/core/testing";

const run = promisify(execFile);
export const REPO_ROOT = resolve(__dirname, "../../..");

export interface StackPorts {
  kafka: number;
  kafkaController: number;
  postgres: number;
  redis: number;
}

export const DEFAULT_PORTS: StackPorts = { kafka: 19092, kafkaController: 19093, postgres: 15432, redis: 16379 };

/**
 * PostgreSQL, Redis and a Kafka broker of the suite's own, on other ports with data in a
 * temporary directory, so faults that stop a server never touch the shared ones. Kafka and
 * PostgreSQL are started by the project's infra scripts (kafka-start.sh, postgres-ensure.sh)
 * pointed at that directory.
 */
export class PrivateStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), "faults-"));
  private redis: ChildProcess | undefined;

  constructor(readonly ports: StackPorts = DEFAULT_PORTS) {
    chmodSync(this.dataDir, 0o755); // the "postgres" OS user runs the cluster inside it
  }

  get databaseUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.ports.postgres}/analytics`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }

  private infraEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATA_DIR: this.dataDir,
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: this.kafkaBrokers,
      KAFKA_CONTROLLER_PORT: String(this.ports.kafkaController),
      KAFKA_TOPICS: "trading.events",
      KAFKA_DLQ_TOPIC: "analytics.dead-letter",
      KAFKA_HEAP: "-Xms128m -Xmx512m",
    };
  }

  private async script(path: string): Promise<string> {
    const { stdout } = await run("bash", [join(REPO_ROOT, path)], { env: this.infraEnv(), maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  }

  async start(): Promise<void> {
    // allSettled: a failure must not leave another server still starting while the caller stops the stack.
    const started = await Promise.allSettled([this.startPostgres(), this.startRedis(), this.startKafka()]);
    const failure = started.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    await run(process.execPath, [require.resolve("@trading-analytics/cli"), "migrate"], {
      env: { ...this.infraEnv(), REDIS_URL: this.redisUrl, LOG_LEVEL: "warn" },
    });
  }

  async startKafka(): Promise<void> {
    const line = await this.script("infra/kafka/kafka-start.sh");
    if (!line.startsWith("kafka started")) throw new Error(`expected a private broker, got "${line}"`);
  }

  /** The broker's pid from the record kafka-start.sh keeps in the private data dir. */
  kafkaPid(): number | undefined {
    const file = join(this.dataDir, "run", "kafka.pid");
    return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : undefined;
  }

  async stopKafka(signal: NodeJS.Signals): Promise<void> {
    const pid = this.kafkaPid();
    if (pid === undefined) return;
    process.kill(pid, signal);
    await waitFor(async () => isGone(pid), Boolean, { timeoutMs: 60_000, what: "the private broker to exit" });
  }

  async startPostgres(): Promise<void> {
    const line = await this.script("infra/postgres-ensure.sh");
    if (!line.startsWith("postgres started")) throw new Error(`expected a private PostgreSQL, got "${line}"`);
  }

  /** `pg_ctl -m immediate stop` on the private cluster: a crash, recovered from WAL on the next start. */
  async stopPostgresImmediately(): Promise<void> {
    const pgBin = await this.pgBin();
    await run("runuser", ["-u", "postgres", "--", join(pgBin, "pg_ctl"), "stop", "-D", join(this.dataDir, "postgres", "data"), "-m", "immediate", "-w"]);
  }

  async stopPostgres(): Promise<void> {
    const pgBin = await this.pgBin();
    await run("runuser", ["-u", "postgres", "--", join(pgBin, "pg_ctl"), "stop", "-D", join(this.dataDir, "postgres", "data"), "-m", "fast", "-w"]).catch(() => undefined);
  }

  private async pgBin(): Promise<string> {
    const { stdout } = await run("bash", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1"]);
    return stdout.trim();
  }

  async startRedis(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.ports.redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.redis = child;
    await waitFor(async () => (await run("redis-cli", ["-p", String(this.ports.redis), "ping"])).stdout.trim(), (reply) => reply === "PONG", {
      timeoutMs: 15_000,
      what: "the private redis-server",
    });
  }

  async stopRedis(): Promise<void> {
    const child = this.redis;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.stopKafka("SIGTERM"), this.stopPostgres(), this.stopRedis()]);
  }
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
