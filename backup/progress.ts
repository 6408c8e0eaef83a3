import { emptyTotals, type BackupTotals } from "./manifest.js";

export type BackupPhase = "preparing" | "snapshot" | "uploading" | "manifest" | "done";

/** What a running backup reports: files and bytes done out of the total, and how many were deduplicated. */
export interface BackupProgress extends BackupTotals {
  phase: BackupPhase;
  filesDone: number;
  bytesDone: number;
}

/**
 * Counts a run's progress and hands copies to a callback (a job's progress, the API's record), at most
 * every `intervalMs` while bytes stream and always when a file completes or the phase changes.
 */
export class ProgressTracker {
  readonly #state: BackupProgress = { phase: "preparing", filesDone: 0, bytesDone: 0, ...emptyTotals() };
  #lastEmit = 0;

  constructor(
    private readonly onProgress: ((progress: BackupProgress) => void) | undefined,
    private readonly intervalMs = 250,
  ) {}

  get current(): BackupProgress {
    return { ...this.#state };
  }

  get totals(): BackupTotals {
    const { phase: _p, filesDone: _f, bytesDone: _b, ...totals } = this.#state;
    return totals;
  }

  phase(phase: BackupPhase): void {
    this.#state.phase = phase;
    this.#emit(true);
  }

  planned(files: number, bytes: number): void {
    Object.assign(this.#state, { files, bytes });
    this.#emit(true);
  }

  /** Bytes read for sending; negative when a failed attempt's bytes will be sent again. */
  streamed(bytes: number): void {
    this.#state.bytesDone += bytes;
    this.#emit(false);
  }

  uploaded(size: number): void {
    this.#state.filesDone += 1;
    this.#state.uploadedFiles += 1;
    this.#state.uploadedBytes += size;
    this.#emit(true);
  }

  skipped(size: number): void {
    this.#state.filesDone += 1;
    this.#state.bytesDone += size;
    this.#state.skippedFiles += 1;
    this.#state.skippedBytes += size;
    this.#emit(true);
  }

  #emit(force: boolean): void {
    if (this.onProgress === undefined) return;
    const now = performance.now();
    if (!force && now - this.#lastEmit < this.intervalMs) return;
    this.#lastEmit = now;
    this.onProgress(this.current);
  }
}
