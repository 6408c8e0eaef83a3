import type { ErrorRequestHandler, Response } from "express";
import { isAgentError } from "../errors.js";
import type { Logger } from "../logger.js";

/** An RFC 9457 problem document, the body of every error the agent answers with. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  retryable: boolean;
  instance?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = "https://cassandra-pod-agent.dev/problems/";

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type("application/problem+json").json(problem);
}

/** Renders an error as a problem document; unknown errors become a bare 500 that names nothing internal. */
export function toProblem(error: unknown, requestId?: string): Problem {
  const instance = requestId ? { instance: `urn:request:${requestId}` } : {};
  if (isAgentError(error)) {
    return {
      type: PROBLEM_BASE + error.code,
      title: error.title,
      status: error.status,
      detail: error.message,
      code: error.code,
      retryable: error.retryable,
      ...instance,
      ...(error.details ?? {}),
    };
  }
  const status = (error as { status?: unknown; type?: unknown })?.status;
  // body-parser's errors (malformed JSON, body too large) carry a 4xx status and a safe message.
  if (typeof status === "number" && status >= 400 && status < 500) {
    const tooLarge = status === 413;
    return {
      type: PROBLEM_BASE + (tooLarge ? "body-too-large" : "malformed-request"),
      title: tooLarge ? "Request body too large" : "Malformed request",
      status,
      detail: tooLarge ? "the request body exceeds the allowed size" : "the request body is not valid JSON",
      code: tooLarge ? "body-too-large" : "malformed-request",
      retryable: false,
      ...instance,
    };
  }
  return {
    type: PROBLEM_BASE + "internal-error",
    title: "Internal error",
    status: 500,
    detail: "the agent failed to handle the request; see its log",
    code: "internal-error",
    retryable: false,
    ...instance,
  };
}

/** The last express middleware: every error leaves as problem+json; 5xx are logged with their cause. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error, res.locals.requestId as string | undefined);
    if (problem.status >= 500) {
      logger.error({ err: error, requestId: res.locals.requestId, path: req.path }, "request failed");
    }
    if (res.headersSent) return;
    sendProblem(res, problem);
  };
}
