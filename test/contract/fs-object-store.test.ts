import { mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsObjectStore } from "../../backup/fs-object-store.js";
import { objectStoreContract } from "./object-store.contract.js";

objectStoreContract("FsObjectStore", async () => {
  const root = await mkdtemp(join(tmpdir(), "fs-object-store-"));
  return {
    store: new FsObjectStore(root),
    async corrupt(key) {
      const file = await open(join(root, "data", ...key.split("/")), "r+");
      await file.write(Buffer.from("CORRUPT"), 0, 7, 10);
      await file.close();
    },
    leftovers: async () => readdir(join(root, "tmp")).catch(() => []),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
