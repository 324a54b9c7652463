// A map tile server on this machine for browser tests (issue 22): no
// internet, a few generated 256 px PNGs (a pale land colour with a grid
// line, one shade per tile so panning and zooming show), served at
// /tiles/{z}/{x}/{y}.png; it counts what it served. Keepr points at it with
// MAP_TILES_URL (http is allowed for localhost outside production).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32, deflateSync } from "node:zlib";

/** A PNG of one size and colour with a darker line along its top and left edges (the tile grid). */
export function tilePng(rgb: [number, number, number], size = 256): Buffer {
  const line = [Math.round(rgb[0] * 0.8), Math.round(rgb[1] * 0.8), Math.round(rgb[2] * 0.8)];
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b] = x === 0 || y === 0 ? line : rgb;
      raw.set([r!, g!, b!], row + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Four shades of a map's land, by tile. */
const shades: Array<[number, number, number]> = [[236, 240, 226], [226, 236, 218], [240, 236, 226], [230, 232, 240]];

export interface TileServer {
  /** MAP_TILES_URL for it. */
  template: string;
  /** The tiles served so far, "z/x/y". */
  served: string[];
  close(): Promise<void>;
}

export async function startTileServer(): Promise<TileServer> {
  const pngs = shades.map((s) => tilePng(s));
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const match = /^\/tiles\/(\d{1,2})\/(\d+)\/(\d+)\.png$/.exec(req.url ?? "");
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [z, x, y] = match.slice(1).map(Number) as [number, number, number];
    served.push(`${z}/${x}/${y}`);
    res.writeHead(200, { "content-type": "image/png", "cache-control": "no-store" }).end(pngs[(x + 2 * y) % pngs.length]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    template: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png`,
    served,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
