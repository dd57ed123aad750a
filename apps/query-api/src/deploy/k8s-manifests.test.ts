// Reads infra/k8s/ as kustomize would and checks that the pieces fit: selectors select the pods
// they mean to, probes and Services name ports that exist, the mounted config.yaml passes the
// apps' own config schema with each workload's environment, and the ingester autoscaler stops
// at the partition count.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { loadConfig } from "@trading-analytics/core";

import { listenAddress } from "../security/listen-address";

const REPO = path.resolve(__dirname, "../../../..");
const K8S = path.join(REPO, "infra/k8s");
// query-api does not depend on yaml; core does (its config loader), so borrow core's copy.
const yaml = createRequire(path.join(REPO, "packages/core/package.json"))("yaml") as {
  parse(source: string): unknown;
  parseAllDocuments(source: string): { errors: unknown[]; toJS(): unknown }[];
};

type Labels = Record<string, string>;
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: EnvVar[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Labels };
  spec: {
    restartPolicy?: string;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    containers: Container[];
    volumes?: { name: string; configMap?: { name: string } }[];
  };
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Labels };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Labels } & Labels;
    template?: PodTemplate;
    ports?: { name: string; port: number; targetPort: string | number }[];
    type?: string;
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    maxUnavailable?: number;
    minAvailable?: number;
  };
}
interface Kustomization {
  namespace: string;
  resources: string[];
  /** files: "key=path" or "path" */
  configMapGenerator: { name: string; files: string[]; options?: { labels?: Labels } }[];
  images: { name: string }[];
}

const readText = (file: string) => readFileSync(path.join(K8S, file), "utf8");
const kustomization = yaml.parse(readText("kustomization.yaml")) as Kustomization;
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  yaml.parseAllDocuments(readText(file)).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  }),
);
const generatedFiles = kustomization.configMapGenerator.flatMap((generator) => generator.files.map((entry) => entry.split("=").at(-1)!));
const configFile = kustomization.configMapGenerator.flatMap((generator) => generator.files).find((entry) => entry.startsWith("config.yaml="));
const secret = yaml.parse(readText("secret.example.yaml")) as { metadata: { name: string }; stringData: Record<string, string> };
const CONFIG_MOUNT = "/etc/trading-analytics";

const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const named = (kind: string, name: string) => {
  const found = ofKind(kind).find((manifest) => manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const selects = (selector: Labels, labels: Labels) => Object.entries(selector).every(([key, value]) => labels[key] === value);
const podLabels = (manifest: Manifest) => manifest.spec!.template!.metadata.labels;
const containerOf = (manifest: Manifest) => manifest.spec!.template!.spec.containers[0]!;

/** The environment a container starts with, Secret references read from secret.example.yaml. */
function environmentOf(container: Container): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    env[variable.name] = ref ? secret.stringData[ref.key] : variable.value;
  }
  return env;
}

/** The container's config as the app would load it, with the mounted config.yaml. */
function configOf(container: Container) {
  const env = environmentOf(container);
  expect(env.CONFIG_FILE).toBe(`${CONFIG_MOUNT}/config.yaml`);
  return loadConfig({ file: path.join(K8S, configFile!.split("=")[1]!), env: { ...env, CONFIG_FILE: undefined } }).config;
}

const APPS = [
  { app: "ingester", portKey: "ingester" as const },
  { app: "aggregator", portKey: "aggregator" as const },
  { app: "query-api", portKey: "server" as const },
];

describe("infra/k8s", () => {
  it("lists every manifest in kustomization.yaml, and only the Secret example stays out", () => {
    const onDisk = readdirSync(K8S).filter((file) => file.endsWith(".yaml"));
    const outside = ["kustomization.yaml", "secret.example.yaml"];
    expect([...onDisk].sort()).toEqual([...kustomization.resources, ...generatedFiles, ...outside].sort());
    // The apps read config.yaml; the generator's key names the mounted file.
    expect(configFile).toBeDefined();
  });

  it("holds the kinds a deployment needs", () => {
    const kinds = manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        "Namespace/trading-analytics",
        "Job/migrate",
        ...APPS.flatMap(({ app }) => [`Deployment/${app}`, `Service/${app}`, `PodDisruptionBudget/${app}`]),
        "HorizontalPodAutoscaler/ingester",
      ].sort(),
    );
    expect(named("Namespace", kustomization.namespace)).toBeDefined();
  });

  it("labels every object as part of trading-analytics", () => {
    for (const manifest of manifests) expect(manifest.metadata.labels?.["app.kubernetes.io/part-of"]).toBe("trading-analytics");
  });

  describe.each(APPS)("$app", ({ app, portKey }) => {
    const deployment = named("Deployment", app);
    const container = containerOf(deployment);
    const port = (name: string | number) => container.ports?.find((candidate) => candidate.name === name);

    it("selects its own pods and no other Deployment's", () => {
      const selector = deployment.spec!.selector!.matchLabels!;
      expect(selects(selector, podLabels(deployment))).toBe(true);
      for (const other of ofKind("Deployment").filter((candidate) => candidate !== deployment)) {
        expect(selects(selector, podLabels(other))).toBe(false);
      }
    });

    it("listens where its config says and probes /health for liveness and /ready for readiness", () => {
      const config = configOf(container);
      const [only] = container.ports!;
      expect(container.ports).toHaveLength(1);
      expect(only!.containerPort).toBe(config[portKey].port);
      expect(container.livenessProbe!.httpGet.path).toBe("/health");
      expect(container.startupProbe!.httpGet.path).toBe("/health");
      expect(container.readinessProbe!.httpGet.path).toBe("/ready");
      for (const probe of [container.livenessProbe!, container.readinessProbe!, container.startupProbe!]) {
        expect(port(probe.httpGet.port)).toBeDefined();
      }
    });

    it("asks for CPU and memory and is capped on both", () => {
      for (const bound of [container.resources?.requests, container.resources?.limits]) {
        expect(Object.keys(bound ?? {}).sort()).toEqual(["cpu", "memory"]);
      }
    });

    it("runs as a user other than root, without privilege escalation, on a read-only root filesystem", () => {
      const pod = deployment.spec!.template!.spec;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).not.toBe(0);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    });

    it("has a Service whose selector and named port reach this Deployment's pods", () => {
      const service = named("Service", app);
      const selector = service.spec!.selector as Labels;
      expect(selects(selector, podLabels(deployment))).toBe(true);
      expect(ofKind("Deployment").filter((candidate) => selects(selector, podLabels(candidate)))).toEqual([deployment]);
      for (const servicePort of service.spec!.ports!) {
        expect(port(servicePort.targetPort)?.containerPort).toBe(servicePort.port);
        expect(servicePort.name).toBe(servicePort.targetPort);
      }
    });

    it("has a PodDisruptionBudget that selects it and always allows one pod to go and keeps one", () => {
      const budget = named("PodDisruptionBudget", app);
      expect(budget.spec!.selector!.matchLabels).toEqual(deployment.spec!.selector!.matchLabels);
      const autoscaler = ofKind("HorizontalPodAutoscaler").find((candidate) => candidate.spec!.scaleTargetRef!.name === app);
      const fewest = autoscaler?.spec!.minReplicas ?? deployment.spec!.replicas ?? 1;
      const mayGo = budget.spec!.maxUnavailable ?? fewest - budget.spec!.minAvailable!;
      expect(mayGo).toBeGreaterThanOrEqual(1);
      expect(fewest - mayGo).toBeGreaterThanOrEqual(1);
    });
  });

  it("exposes the query-api inside the cluster on 9097 and names the scraped ports", () => {
    const service = named("Service", "query-api");
    expect(service.spec!.type).toBe("ClusterIP");
    expect(service.spec!.ports).toEqual([{ name: "http", port: 9097, targetPort: "http" }]);
    expect(named("Service", "ingester").spec!.ports!.map((p) => p.name)).toEqual(["metrics"]);
    expect(named("Service", "aggregator").spec!.ports!.map((p) => p.name)).toEqual(["metrics"]);
  });

  it("requires API keys in the cluster, where the query-api listens on the pod's interfaces", () => {
    const config = configOf(containerOf(named("Deployment", "query-api")));
    expect(config.security.api_key_enabled).toBe(true);
    expect(listenAddress(config.server.host, config.security.api_key_enabled)).toEqual({ host: "0.0.0.0" });
  });

  it("scales the ingester up to, and not past, the partitions of the topics it consumes", () => {
    const autoscaler = named("HorizontalPodAutoscaler", "ingester");
    expect(autoscaler.spec!.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "ingester" });
    const provision = readFileSync(path.join(REPO, "infra/kafka/kafka-provision.mjs"), "utf8");
    const partitions = Number(/KAFKA_PARTITIONS \|\| (\d+)/.exec(provision)?.[1]);
    expect(autoscaler.spec!.maxReplicas).toBe(partitions);
    expect(autoscaler.spec!.minReplicas).toBeLessThan(partitions);
    // The autoscaler owns the count; a number in the Deployment would undo it on every apply.
    expect(named("Deployment", "ingester").spec!.replicas).toBeUndefined();
  });

  it("migrates with the query-api image, which carries the migrations, and does not restart in place", () => {
    const job = named("Job", "migrate");
    const container = containerOf(job);
    expect(container.image).toBe(containerOf(named("Deployment", "query-api")).image);
    expect(container.command).toEqual(["node", "node_modules/@trading-analytics/core/dist/cli/migrate.cli.js"]);
    expect(job.spec!.template!.spec.restartPolicy).toBe("Never");
    expect(configOf(container).database.url).toBe(secret.stringData.DATABASE_URL);
  });

  it("wires the ConfigMap and the Secret the same way into every workload", () => {
    const [generator] = kustomization.configMapGenerator;
    const workloads = [...ofKind("Deployment"), ...ofKind("Job")];
    for (const workload of workloads) {
      const container = containerOf(workload);
      const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === CONFIG_MOUNT);
      const volume = workload.spec!.template!.spec.volumes?.find((candidate) => candidate.name === mount?.name);
      expect(volume?.configMap?.name).toBe(generator!.name);
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe(secret.metadata.name);
        expect(Object.keys(secret.stringData)).toContain(ref.key);
      }
      const config = configOf(container);
      expect(config.database.url).toBe(secret.stringData.DATABASE_URL);
      expect(config.redis.url).toBe(secret.stringData.REDIS_URL);
    }
  });

  it("lets an upgrade apply the migration Job and the ConfigMap it reads on their own, first", () => {
    const PHASE = "trading-analytics/rollout-phase";
    const [generator] = kustomization.configMapGenerator;
    expect(generator!.options?.labels?.[PHASE]).toBe("migrate");
    const inPhase = manifests.filter((manifest) => manifest.metadata.labels?.[PHASE] === "migrate");
    expect(inPhase.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`)).toEqual(["Job/migrate"]);
  });

  it("pins every container image in kustomization.yaml", () => {
    const pinned = kustomization.images.map((image) => image.name);
    for (const workload of [...ofKind("Deployment"), ...ofKind("Job")]) expect(pinned).toContain(containerOf(workload).image);
  });
});
