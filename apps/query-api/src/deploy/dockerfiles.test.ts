// Docker is not needed to run this: it reads apps/*/Dockerfile and docker-compose.yml and checks
// what a build would need (every COPY source in the build context) and what the image promises
// (non-root, a health check on the app's own port, the port it listens on).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ENV_OVERRIDES } from "@trading-analytics/core";

const REPO = path.resolve(__dirname, "../../../..");
// query-api does not depend on yaml; core does (its config loader), so borrow core's copy.
const yaml = createRequire(path.join(REPO, "packages/core/package.json"))("yaml") as { parse(source: string): unknown };

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, as Docker reads them. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  let startLine = 0;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#") || (pending === "" && line === "")) return;
    if (pending === "") startLine = index + 1;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = pending + line;
    pending = "";
    const keyword = full.split(/\s+/, 1)[0]!;
    instructions.push({ keyword: keyword.toUpperCase(), args: full.slice(keyword.length).trim(), line: startLine });
  });
  return instructions;
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [base = "", as, name] = instruction.args.replace(/--platform=\S+\s+/, "").split(/\s+/);
      stages.push({ name: as?.toUpperCase() === "AS" ? name : undefined, base, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction); // ARGs before the first FROM belong to no stage
    }
  }
  return stages;
}

/** COPY/ADD flags apart from sources and destination; the JSON form is allowed too. */
function copyParts(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith("--")) {
    const [flag = "", value = ""] = words.shift()!.slice(2).split("=");
    flags[flag] = value;
  }
  const paths = args.trimEnd().endsWith("]") ? (JSON.parse(words.join(" ")) as string[]) : words;
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** A .dockerignore pattern as a regular expression over context-relative paths. */
function ignorePattern(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, "")
    .split("/")
    .map((segment) => (segment === "**" ? "(?:.*/)?" : `${segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}/`))
    .join("");
  return new RegExp(`^${body.replace(/\/$/, "")}(?:/.*)?$`);
}

const dockerignore = readFileSync(path.join(REPO, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("!"))
  .map(ignorePattern);

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === "ENV")) {
    for (const pair of args.split(/\s+/)) {
      const [key = "", value = ""] = pair.split("=");
      env[key] = value;
    }
  }
  return env;
}

const APPS = [
  { app: "ingester", port: 9098, portKey: "ingester.port" },
  { app: "aggregator", port: 9099, portKey: "aggregator.port" },
  { app: "query-api", port: 9097, portKey: "server.port" },
];

describe.each(APPS)("apps/$app/Dockerfile", ({ app, port, portKey }) => {
  const dockerfile = path.join(REPO, "apps", app, "Dockerfile");
  const stages = splitStages(parseDockerfile(readFileSync(dockerfile, "utf8")));
  const final = stages.at(-1)!;
  const finalKeywords = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);
  const packageJson = JSON.parse(readFileSync(path.join(REPO, "apps", app, "package.json"), "utf8")) as { name: string; main: string };

  it("builds in one stage and ships a runtime stage that starts from a clean base image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const earlier = stages.slice(0, -1).map((stage) => stage.name);
    expect(earlier).not.toContain(final.base);
    const fromStages = finalKeywords("COPY").map((copy) => copyParts(copy.args).flags.from);
    expect(fromStages.filter((from) => from !== undefined).every((from) => earlier.includes(from))).toBe(true);
    expect(fromStages.some((from) => from !== undefined)).toBe(true);
  });

  it("deploys the app's own package with its production dependencies only", () => {
    const runs = stages.slice(0, -1).flatMap((stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args));
    expect(runs.some((run) => run.includes("turbo run build") && run.includes(`--filter=${packageJson.name}`))).toBe(true);
    expect(runs.some((run) => / deploy /.test(run) && run.includes(`--filter=${packageJson.name}`) && run.includes("--prod"))).toBe(true);
  });

  it("runs as a user other than root", () => {
    const user = finalKeywords("USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user!.split(":")[0]);
  });

  it("sets NODE_ENV=production and starts the package's main file", () => {
    expect(envOf(final).NODE_ENV).toBe("production");
    const cmd = JSON.parse(finalKeywords("CMD").at(-1)!.args) as string[];
    expect(cmd).toEqual(["node", packageJson.main]);
  });

  it(`exposes ${port} and checks /health there with node, honouring the port's environment override`, () => {
    expect(finalKeywords("EXPOSE").map((i) => i.args)).toEqual([String(port)]);
    const healthcheck = finalKeywords("HEALTHCHECK").at(-1)!.args;
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD") + 3).trim()) as string[];
    expect(command.slice(0, 2)).toEqual(["node", "-e"]);
    expect(command[2]).toContain("/health");
    expect(command[2]).toContain(String(port));
    const envNames = ENV_OVERRIDES.filter((override) => override.path.join(".") === portKey).map((override) => override.env);
    expect(envNames.length).toBeGreaterThan(0);
    for (const name of envNames) expect(command[2]).toContain(`process.env.${name}`);
  });

  it("copies only paths that exist in the build context", () => {
    const copies = stages.flatMap((stage) => stage.instructions).filter((i) => ["COPY", "ADD"].includes(i.keyword));
    for (const copy of copies) {
      const { flags, sources } = copyParts(copy.args);
      if (flags.from !== undefined) continue;
      for (const source of sources) {
        const where = `line ${copy.line}: ${source}`;
        expect({ where, exists: existsSync(path.join(REPO, source)) }).toEqual({ where, exists: true });
        const relative = path.posix.normalize(source);
        if (relative === ".") continue;
        expect({ where, ignored: dockerignore.some((pattern) => pattern.test(relative)) }).toEqual({ where, ignored: false });
      }
    }
  });

  it("carries the migrations where MIGRATIONS_DIR points, so the image can migrate", () => {
    const workdir = finalKeywords("WORKDIR").at(-1)!.args;
    const copied = finalKeywords("COPY")
      .map((copy) => copyParts(copy.args))
      .find((parts) => parts.sources.includes("migrations"));
    expect(copied).toBeDefined();
    expect(path.posix.resolve(workdir, copied!.dest)).toBe(envOf(final).MIGRATIONS_DIR);
  });
});

describe("docker-compose.yml", () => {
  interface ComposeService {
    build?: { context: string; dockerfile: string };
    image?: string;
    ports?: string[];
    environment?: Record<string, unknown>;
    command?: string[];
  }
  const compose = yaml.parse(readFileSync(path.join(REPO, "docker-compose.yml"), "utf8")) as { services: Record<string, ComposeService> };

  it("builds each app from its own Dockerfile", () => {
    for (const { app } of APPS) {
      expect(compose.services[app]?.build?.dockerfile).toBe(`apps/${app}/Dockerfile`);
    }
  });

  it("names only Dockerfiles that exist, and one image per Dockerfile", () => {
    const imageOf = new Map<string, string>();
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.build) continue;
      const dockerfile = path.join(REPO, service.build.context, service.build.dockerfile);
      expect({ name, exists: existsSync(dockerfile) }).toEqual({ name, exists: true });
      const image = imageOf.get(service.build.dockerfile) ?? service.image!;
      imageOf.set(service.build.dockerfile, image);
      expect({ name, image: service.image }).toEqual({ name, image });
    }
  });

  it("publishes every port on 127.0.0.1 only (PostgreSQL, Redis and Kafka have no auth there; the API runs keyless)", () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => ({ name, port: String(port) })));
    expect(published.map(({ name }) => name)).toEqual(expect.arrayContaining(["postgres", "redis", "kafka", "query-api"]));
    for (const entry of published) expect(entry).toEqual({ name: entry.name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
  });

  it("lets the keyless query-api listen on the container's interfaces, so its loopback-only publish reaches it", () => {
    expect(compose.services["query-api"]?.environment?.QUERY_API_HOST).toBe("0.0.0.0");
    expect(ENV_OVERRIDES.find((override) => override.env === "QUERY_API_HOST")?.path).toEqual(["server", "host"]);
  });

  it("caps Redis's memory, evicting only keys with a TTL, as infra/redis-ensure.sh does", () => {
    const command = compose.services.redis!.command!.join(" ");
    expect(command).toMatch(/--maxmemory \d+[kmg]b/);
    expect(command).toContain("--maxmemory-policy volatile-lru");
    const ensure = readFileSync(path.join(REPO, "infra/redis-ensure.sh"), "utf8");
    expect(ensure).toMatch(/--maxmemory "\$\{REDIS_MAXMEMORY:-\d+mb\}" --maxmemory-policy volatile-lru/);
  });
});
