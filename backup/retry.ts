import { setTimeout as sleep } from "node:timers/promises";
import { isAgentError } from "../agent/errors.js";

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts: number;
  /** Delay before the second try; it doubles each time, with up to 50 % random jitter added. */
  baseDelayMs: number;
  signal?: AbortSignal;
  /** Called before each wait, for logging. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `task` again after a transient failure (an `AgentError` marked `retryable`: throttling, a dropped
 * connection, a store that is briefly down), with exponential backoff. The S3 store uses it for each part
 * (the SDK cannot resend a streamed body), and an upload uses it for the whole file when the store gave up.
 * Anything not retryable, and an aborted signal, ends at once.
 */
export async function withRetry<T>(task: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      const retryable = isAgentError(error) && error.retryable;
      if (!retryable || attempt >= options.attempts || options.signal?.aborted) throw error;
      const delayMs = options.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random() / 2);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {}).catch(() => {
        throw error;
      });
    }
  }
}

/**
 * Runs `worker` over `items` with at most `concurrency` in flight. The first failure stops new work from
 * starting, aborts the shared signal (so uploads in flight stop too) and is what the pool rejects with.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && !controller.signal.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await worker(item, controller.signal);
      } catch (error) {
        failure ??= { error };
        controller.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (failure) throw failure.error;
  if (signal?.aborted) throw signal.reason;
}
