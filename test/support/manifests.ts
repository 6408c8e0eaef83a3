import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { ensureK8sTools, REPO_ROOT } from "./k8s-tools.js";

const run = promisify(execFile);

/** Where the kustomize base, components and overlays live. */
export const K8S_DIR = path.join(REPO_ROOT, "docker", "k8s");

/** The part of a Kubernetes object every kind has; the rest is read through narrow interfaces below. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
}
interface HttpGet {
  path?: string;
  port: number | string;
}
interface Probe {
  httpGet?: HttpGet;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}
export interface Container {
  name: string;
  image?: string;
  restartPolicy?: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; httpGet?: HttpGet } };
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  initContainers?: Container[];
  containers: Container[];
  volumes?: { name: string }[];
}
export interface StatefulSet extends K8sObject {
  spec: { replicas?: number; serviceName: string; template: { spec: PodSpec } };
}

/** Runs `kustomize build` on a directory (an overlay, or any kustomization) and returns its YAML. */
export async function kustomizeBuild(dir: string, loadRestrictorNone = false): Promise<string> {
  const { kustomize } = await ensureK8sTools();
  const args = ["build", dir, ...(loadRestrictorNone ? ["--load-restrictor", "LoadRestrictionsNone"] : [])];
  const { stdout } = await run(kustomize, args, { maxBuffer: 32 << 20 });
  return stdout;
}

/** Parses a multi-document YAML stream, failing on any YAML error. */
export function parseObjects(yamlText: string): K8sObject[] {
  return parseAllDocuments(yamlText)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message ?? ""}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** Builds `docker/k8s/overlays/<name>` and returns its objects. */
export async function buildOverlay(name: string): Promise<K8sObject[]> {
  return parseObjects(await kustomizeBuild(path.join(K8S_DIR, "overlays", name)));
}

/** The one object of a kind (and name, if given); throws when there is none or more than one. */
export function findOne<T extends K8sObject = K8sObject>(
  objects: K8sObject[],
  kind: string,
  name?: string,
): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ""}, found ${found.length}`);
  return found[0] as T;
}

/** A probe with Kubernetes' defaults filled in, so a reader never has to know them. */
export interface ProbeSettings {
  path: string;
  port: number | string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
}

/** What the kubelet does with the Cassandra container, as numbers a reproduction can replay. */
export interface LifecycleSettings {
  startup?: ProbeSettings;
  liveness?: ProbeSettings;
  readiness?: ProbeSettings;
  preStopCommand?: string[];
  terminationGracePeriodSeconds: number;
  /** AGENT_DRAIN_TIMEOUT_MS as the container sees it (its env, or a ConfigMap through envFrom). */
  drainTimeoutMs?: number;
}

function probeSettings(probe: Probe | undefined): ProbeSettings | undefined {
  if (!probe?.httpGet) return undefined;
  return {
    path: probe.httpGet.path ?? "/",
    port: probe.httpGet.port,
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
    successThreshold: probe.successThreshold ?? 1,
  };
}

/** The value of an environment variable as a container sees it: `env` wins over `envFrom` ConfigMaps. */
export function containerEnv(objects: K8sObject[], container: Container, name: string): string | undefined {
  const direct = container.env?.find((e) => e.name === name);
  if (direct) return direct.value;
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name;
    const map = ref ? objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === ref) : undefined;
    const data = (map?.data ?? {}) as Record<string, string>;
    if (name in data) value = data[name];
  }
  return value;
}

/** Probe settings, preStop and grace period of a container of the built StatefulSet (default: cassandra). */
export function lifecycleSettings(objects: K8sObject[], containerName = "cassandra"): LifecycleSettings {
  const pod = findOne<StatefulSet>(objects, "StatefulSet").spec.template.spec;
  const container = [...pod.containers, ...(pod.initContainers ?? [])].find((c) => c.name === containerName);
  if (!container) throw new Error(`no container ${containerName} in the StatefulSet`);
  const drain = containerEnv(objects, container, "AGENT_DRAIN_TIMEOUT_MS");
  return {
    startup: probeSettings(container.startupProbe),
    liveness: probeSettings(container.livenessProbe),
    readiness: probeSettings(container.readinessProbe),
    preStopCommand: container.lifecycle?.preStop?.exec?.command,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds ?? 30,
    drainTimeoutMs: drain === undefined || drain === "" ? undefined : Number(drain),
  };
}
