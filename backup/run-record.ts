import { z } from "zod";
import { getJson, putJson, type ObjectStore } from "./object-store.js";
import { totalsSchema } from "./manifest.js";

/**
 * A small record of one backup run beside the manifests (`runs/<name>.json`): written `running` when a run
 * starts and rewritten `complete` or `failed` (with the reason) when it ends. It is what makes an
 * incomplete backup visible in a listing, lets purge see a run in flight (and leave that node's objects
 * alone), and gives a listing the totals without reading every manifest. It never marks a backup complete:
 * only the manifest does.
 */
export const runRecordSchema = z.object({
  format: z.literal(1),
  name: z.string(),
  hostId: z.string(),
  state: z.enum(["running", "complete", "failed"]),
  startedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  keyspaces: z.array(z.string()),
  totals: totalsSchema.optional(),
  error: z.string().optional(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;

export async function writeRunRecord(store: ObjectStore, key: string, record: RunRecord): Promise<void> {
  await putJson(store, key, runRecordSchema.parse(record));
}

/** Reads a run record; a missing or unreadable one is `undefined` (it is advisory, the manifest is the truth). */
export async function readRunRecord(store: ObjectStore, key: string): Promise<RunRecord | undefined> {
  try {
    const parsed = runRecordSchema.safeParse(await getJson(store, key));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
