import { type OpenMetricsContentType, Registry } from "prom-client";

/** A rendered scrape: the body and the content type it must be served with. */
export interface Exposition {
  contentType: string;
  body: string;
}

/**
 * True when the scraper asks for OpenMetrics (Prometheus sends `application/openmetrics-text` first in its
 * Accept header when it can parse it); anything else gets the classic text format.
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return /application\/openmetrics-text/i.test(accept ?? "");
}

/** What the registry holds at run time (its typings say less: `type` is really a string there). */
interface Metric {
  name: string;
  help: string;
  type: string;
  get(): Promise<{ name: string }>;
}
type Registrable = Parameters<Registry<OpenMetricsContentType>["registerMetric"]>[0];

/**
 * Counters are named with `_total` in the registry, as the text format wants. prom-client's OpenMetrics
 * rendering strips `_total` by renaming the metric object in place, which would then break every later
 * text-format scrape; so OpenMetrics is rendered from a throw-away registry of wrappers that carry the
 * stripped name, and the real metrics are never renamed.
 */
function openMetricsView(metric: Metric): Metric {
  if (metric.type !== "counter" || !metric.name.endsWith("_total")) return metric;
  const name = metric.name.slice(0, -"_total".length);
  const get = async () => ({ ...(await metric.get()), name });
  return { name, type: metric.type, help: metric.help, get };
}

/** Renders every metric of `registry` in the format `accept` asks for. */
export async function renderMetrics(registry: Registry, accept: string | undefined): Promise<Exposition> {
  if (!wantsOpenMetrics(accept)) {
    return { contentType: Registry.PROMETHEUS_CONTENT_TYPE, body: await registry.metrics() };
  }
  // The typings lack the constructor's content-type argument; setContentType is typed and equivalent.
  const view = new Registry<OpenMetricsContentType>();
  view.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const metric of registry.getMetricsAsArray() as unknown as Metric[]) {
    view.registerMetric(openMetricsView(metric) as unknown as Registrable);
  }
  return { contentType: Registry.OPENMETRICS_CONTENT_TYPE, body: await view.metrics() };
}
