import type { RestorePlan } from "./restore-plan.js";

export type RestorePhase = "planning" | "downloading" | "schema" | "importing" | "done";

export interface RestoreProgress {
  phase: RestorePhase;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  tablesDone: number;
  tablesTotal: number;
}

/**
 * Counts a restore's progress and hands copies to a callback (the job's progress, the CLI's stderr), at
 * most every 250 ms while bytes stream and always when a file or table completes or the phase changes.
 */
export class RestoreTracker {
  readonly #state: RestoreProgress = {
    phase: "planning",
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    tablesDone: 0,
    tablesTotal: 0,
  };
  #lastEmit = 0;

  constructor(private readonly onProgress: ((p: RestoreProgress) => void) | undefined) {}

  planned(plan: RestorePlan): void {
    Object.assign(this.#state, {
      filesTotal: plan.files,
      bytesTotal: plan.bytes,
      tablesTotal: plan.tables.length,
    });
    this.#emit(true);
  }
  phase(phase: RestorePhase): void {
    this.#state.phase = phase;
    this.#emit(true);
  }
  bytes(n: number): void {
    this.#state.bytesDone += n;
    this.#emit(false);
  }
  fileDone(): void {
    this.#state.filesDone++;
    this.#emit(true);
  }
  tableDone(): void {
    this.#state.tablesDone++;
    this.#emit(true);
  }
  #emit(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastEmit < 250) return;
    this.#lastEmit = now;
    this.onProgress?.({ ...this.#state });
  }
}
