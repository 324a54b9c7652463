// A TCP proxy in front of Postgres that can make every connection it holds
// go silent at once, as when the host of a Postgres dies or the network
// breaks without closing anything: the server side is closed, the client
// is told nothing and waits. New connections are forwarded as before (the
// address now leads to a Postgres that answers: a failover).
import net from "node:net";

/** Forwards to Postgres; silence() makes every connection open now go quiet (its server side closed, its client told nothing). */
export class SilencingProxy {
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket; silent: boolean }>();
  connections = 0;
  private readonly server: net.Server;
  port = 0;

  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
    this.server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.target.port, this.target.host);
      const pair = { client, upstream, silent: false };
      this.pairs.add(pair);
      client.on("data", (data) => void (pair.silent || upstream.write(data)));
      upstream.on("data", (data) => void (pair.silent || client.write(data)));
      client.on("error", () => undefined);
      upstream.on("error", () => undefined);
      client.on("close", () => {
        this.pairs.delete(pair);
        upstream.destroy();
      });
      upstream.on("close", () => void (pair.silent || client.destroy()));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  silence(): number {
    let silenced = 0;
    for (const pair of this.pairs) {
      if (pair.silent) continue;
      pair.silent = true;
      pair.upstream.destroy(); // the backend goes (its host died); the client hears nothing
      silenced++;
    }
    return silenced;
  }

  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) pair.client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

