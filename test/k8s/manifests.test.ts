import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureK8sTools } from "../support/k8s-tools.js";
import {
  findOne,
  K8S_DIR,
  kustomizeBuild,
  lifecycleSettings,
  parseObjects,
  type K8sObject,
  type StatefulSet,
} from "../support/manifests.js";

const run = promisify(execFile);
/** Native sidecars are on by default from 1.29; 1.30 is the oldest we support, the newest is bundled. */
const KUBERNETES_VERSIONS = ["1.30.0", "1.33.0", "1.37.0"];
/** Kinds from CRDs: kubernetes-validate has no schema for them; test/k8s checks them by hand. */
const CRD_KINDS = new Set(["ServiceMonitor"]);
/** In the order an overlay must list them (s3-secret before restore, see its kustomization). */
const COMPONENTS = ["service-monitor", "s3-irsa", "s3-secret", "restore"];
const built = new Map<string, string>();

/** Validates every object strictly (unknown fields fail) against each version's bundled schemas. */
async function validate(yamlText: string): Promise<string[]> {
  const { kubernetesValidate } = await ensureK8sTools();
  const dir = await mkdtemp(path.join(tmpdir(), "k8s-validate-"));
  try {
    const file = path.join(dir, "all.yaml");
    await writeFile(file, yamlText);
    const versions = KUBERNETES_VERSIONS.flatMap((v) => ["-k", v]);
    const result = await run(kubernetesValidate, ["--strict", ...versions, file]).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }),
    );
    return result.stdout.trim().split("\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function expectValid(lines: string[], objects: K8sObject[]): void {
  const problems = lines.filter((l) => !l.startsWith("INFO") && !/^WARN .* kind (\w+) /.test(l));
  expect(problems).toEqual([]);
  const unschematised = lines.flatMap((l) => /^WARN .* kind (\w+) /.exec(l)?.[1] ?? []);
  expect(unschematised.filter((kind) => !CRD_KINDS.has(kind))).toEqual([]);
  const passed = lines.filter((l) => l.startsWith("INFO")).length;
  const plain = objects.filter((o) => !CRD_KINDS.has(o.kind)).length;
  expect(passed).toBe(plain * KUBERNETES_VERSIONS.length);
}

beforeAll(async () => {
  await ensureK8sTools();
  for (const overlay of ["dev", "production"]) {
    built.set(overlay, await kustomizeBuild(path.join(K8S_DIR, "overlays", overlay)));
  }
}, 900_000);

describe.each(["dev", "production"])("overlay %s", (overlay) => {
  const objects = () => parseObjects(built.get(overlay) ?? "");
  const pod = () => findOne<StatefulSet>(objects(), "StatefulSet").spec.template.spec;

  it("builds and validates offline against the Kubernetes schemas", async () => {
    expectValid(await validate(built.get(overlay) ?? ""), objects());
  }, 120_000);

  it("runs the agent as a native sidecar that shares the data volume", () => {
    const agent = pod().initContainers?.find((c) => c.name === "agent");
    expect(agent?.restartPolicy).toBe("Always");
    expect(agent?.ports).toContainEqual({ name: "http", containerPort: 8080 });
    const dataMount = (name: string) =>
      [...pod().containers, ...(pod().initContainers ?? [])]
        .find((c) => c.name === name)
        ?.volumeMounts?.find((m) => m.name === "data");
    expect(dataMount("agent")?.mountPath).toBe(dataMount("cassandra")?.mountPath);
    expect(
      pod()
        .initContainers?.map((c) => c.name)
        .indexOf("install-prestop-hook"),
    ).toBe(0);
  });

  it("probes Cassandra through the agent's port and drains within the grace period", () => {
    const s = lifecycleSettings(objects());
    expect([s.startup?.path, s.liveness?.path, s.readiness?.path]).toEqual([
      "/probes/startup",
      "/probes/liveness",
      "/probes/readiness",
    ]);
    for (const probe of [s.startup, s.liveness, s.readiness]) expect(probe?.port).toBe(8080);
    expect(s.liveness).toMatchObject({ initialDelaySeconds: 15, periodSeconds: 15, timeoutSeconds: 10 });
    expect(s.readiness).toMatchObject({ initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 10 });
    expect(s.preStopCommand).toEqual(["/opt/pod-agent/bin/cassandra-pod-agent", "prestop"]);
    expect(s.drainTimeoutMs).toBeGreaterThan(0);
    expect(s.terminationGracePeriodSeconds).toBeGreaterThanOrEqual((s.drainTimeoutMs ?? 0) / 1000 + 20);
    const agent = lifecycleSettings(objects(), "agent");
    expect(agent.drainTimeoutMs).toBe(s.drainTimeoutMs);
  });

  it("hardens every container", () => {
    expect(pod().securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of [...pod().containers, ...(pod().initContainers ?? [])]) {
      expect({ c: c.name, ...c.securityContext }).toMatchObject({
        c: c.name,
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.resources?.limits?.memory, c.name).toBeDefined();
      if (c.name !== "cassandra") expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
    }
    expect(pod().initContainers?.find((c) => c.name === "agent")?.resources?.limits?.memory).toBe("192Mi");
  });

  it("publishes peers before they are ready and limits disruptions to one pod", () => {
    const peers = findOne(objects(), "Service", "cassandra") as K8sObject & { spec: Record<string, unknown> };
    expect(peers.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    expect(findOne(objects(), "StatefulSet").spec).toMatchObject({ serviceName: "cassandra" });
    expect(findOne(objects(), "PodDisruptionBudget").spec).toMatchObject({ maxUnavailable: 1 });
  });
});

describe("overlay differences", () => {
  it("dev runs one node with fs backups; production three with S3, a schedule and a ServiceMonitor", () => {
    const dev = parseObjects(built.get("dev") ?? "");
    const prod = parseObjects(built.get("production") ?? "");
    expect(findOne<StatefulSet>(dev, "StatefulSet").spec.replicas).toBe(1);
    expect(findOne<StatefulSet>(prod, "StatefulSet").spec.replicas).toBe(3);
    const config = (objects: K8sObject[]) => findOne(objects, "ConfigMap").data as Record<string, string>;
    expect(config(dev).AGENT_BACKUP_TARGET).toBe("fs");
    expect(config(prod)).toMatchObject({ AGENT_BACKUP_TARGET: "s3", AGENT_S3_BUCKET: expect.any(String) });
    expect(config(prod).AGENT_BACKUP_SCHEDULE).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(dev.some((o) => o.kind === "ServiceMonitor")).toBe(false);
    expect(prod.some((o) => o.kind === "Secret")).toBe(false); // no placeholder token in production
  });

  it("the ServiceMonitor selects the peers Service and its http port", () => {
    const prod = parseObjects(built.get("production") ?? "");
    const monitor = findOne(prod, "ServiceMonitor") as K8sObject & {
      spec: {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
    };
    const services = prod.filter(
      (o) => o.kind === "Service" && o.metadata.namespace === monitor.metadata.namespace,
    );
    const selected = services.filter((s) =>
      Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
    );
    expect(selected.map((s) => s.metadata.name)).toEqual(["cassandra"]);
    const ports = (selected[0]?.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
    expect(ports).toContain(monitor.spec.endpoints[0]?.port);
    expect(monitor.spec.endpoints[0]?.path).toBe("/metrics");
  });
});

describe("components", () => {
  it("all of them together build on the base and validate", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "k8s-components-"));
    try {
      const rel = (p: string) => path.relative(dir, path.join(K8S_DIR, p));
      const kustomization = [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        `resources: [${rel("base")}]`,
        `components: [${COMPONENTS.map((c) => rel(`components/${c}`)).join(", ")}]`,
      ].join("\n");
      await writeFile(path.join(dir, "kustomization.yaml"), kustomization);
      const text = await kustomizeBuild(dir, true);
      const objects = parseObjects(text);
      expectValid(await validate(text), objects);
      const pod = findOne<StatefulSet>(objects, "StatefulSet").spec.template.spec;
      expect(pod.initContainers?.map((c) => c.name)).toEqual(["install-prestop-hook", "restore", "agent"]);
      const agent = pod.initContainers?.find((c) => c.name === "agent");
      expect(agent?.envFrom).toContainEqual({ secretRef: { name: "cassandra-backup-s3", optional: false } });
      const sa = findOne(objects, "ServiceAccount").metadata as { annotations?: Record<string, string> };
      expect(sa.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
