import { Router, type Request, type Response } from "express";
import type { z } from "zod";
import { parsePart } from "./validation.js";

/** A response an API route documents: its description and, when it has a JSON body, the body's schema. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  headers?: Record<string, string>;
}

/**
 * One API route, declared once: the same zod schemas validate requests at run time and become the OpenAPI
 * document, so the document cannot drift from what the agent accepts.
 */
export interface ApiRouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI style, `{name}` for path parameters. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
}

/** What a handler answers: a status, a JSON body and optional headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Answers 200 with a JSON body. */
export const ok = (body: unknown): Reply => ({ status: 200, body });

function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

function send(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}

/** Collects route specs while mounting them on an express router; `specs` feeds the OpenAPI document. */
export class ApiRegistry {
  readonly router = Router();
  readonly specs: ApiRouteSpec[] = [];

  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    spec: ApiRouteSpec<P, Q, B>,
    handler: (input: ApiInput<Out<P>, Out<Q>, Out<B>>) => Promise<Reply> | Reply,
  ): void {
    this.specs.push(spec as unknown as ApiRouteSpec);
    this.router[spec.method](expressPath(spec.path), async (req, res) => {
      const input = {
        params: spec.params ? parsePart(spec.params, req.params, "params") : undefined,
        query: spec.query ? parsePart(spec.query, { ...req.query }, "query") : undefined,
        body: spec.body ? parsePart(spec.body, req.body ?? {}, "body") : undefined,
        req,
      } as ApiInput<Out<P>, Out<Q>, Out<B>>;
      send(res, await handler(input));
    });
  }
}
