import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy on loopback in front of a real server, which can cut one connection in the middle of a
 * request: the network fault (a reset, a dropped NAT entry) that a retry has to survive, without stopping
 * the server and losing its state.
 */
export class CuttingProxy {
  #armed: { afterBytes: number } | undefined;
  #cuts = 0;
  readonly #sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<CuttingProxy> {
    const ready: { proxy?: CuttingProxy } = {};
    const server = createServer((client) => ready.proxy?.relay(client, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    if (address === null || typeof address !== "object") throw new Error("proxy has no port");
    ready.proxy = new CuttingProxy(server, address.port);
    return ready.proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections cut so far. */
  get cuts(): number {
    return this.#cuts;
  }

  /** The first connection to carry more than `afterBytes` towards the server from now on is cut. */
  cutAfter(afterBytes: number): void {
    this.#armed = { afterBytes };
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, host: string, port: number): void {
    const upstream = connect(port, host);
    this.#sockets.add(client).add(upstream);
    let sinceArmed = 0;
    let armedAs = this.#armed;
    client.on("data", (chunk: Buffer) => {
      if (this.#armed !== armedAs) {
        armedAs = this.#armed;
        sinceArmed = 0;
      }
      sinceArmed += chunk.length;
      if (this.#armed !== undefined && sinceArmed > this.#armed.afterBytes) {
        this.#armed = undefined;
        this.#cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    upstream.on("data", (chunk: Buffer) => {
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  }
}
