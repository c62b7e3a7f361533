/**
 * `darlings show-report DIR`: serves an output folder on 127.0.0.1 (never on other interfaces:
 * the folder holds serial logs of a machine's install) with node:http, no dependency.
 *
 * @example
 * const server = await showReport('darlings-results/blog-xps13-debian-…', { print: console.log });
 * // prints http://127.0.0.1:9323/report.html ; await server.close() when done
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { exists } from '../util/fs.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { INDEX_FILE, REPORT_FILE, writeReport } from './html/page.ts';
import type { Redactor } from '../util/redact.ts';

/** Playwright's show-report port; 0 picks a free one. */
export const DEFAULT_REPORT_PORT = 9323;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface ServedReport {
  /** Base URL of the folder, ending in '/'. */
  url: string;
  /** The page to open: report.html, or index.html for a folder of runs. */
  pageUrl: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `dir` read-only on 127.0.0.1; paths are resolved and must stay inside it (no `..`). */
export async function serveReport(dir: string, options: { port?: number } = {}): Promise<ServedReport> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        res.writeHead(400).end('bad path');
        return;
      }
      if (path.endsWith('/')) path += (await exists(join(root, path, REPORT_FILE))) ? REPORT_FILE : INDEX_FILE;
      const file = resolve(root, '.' + path);
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const page = (await exists(join(root, REPORT_FILE))) ? REPORT_FILE : (await exists(join(root, INDEX_FILE))) ? INDEX_FILE : '';
  return {
    url,
    pageUrl: url + page,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface ShowReportOptions {
  /** Where the URL line goes (the CLI passes a stdout writer). */
  print: (line: string) => void;
  port?: number;
  redactor?: Redactor;
}

/**
 * (Re)renders report.html when the folder has results.json but no page yet, then serves the
 * folder and prints the URL. Falls back to a free port when the default one is taken.
 */
export async function showReport(dir: string, options: ShowReportOptions): Promise<ServedReport> {
  const root = resolve(dir);
  const hasPage = (await exists(join(root, REPORT_FILE))) || (await exists(join(root, INDEX_FILE)));
  if (!hasPage) await writeReport(root, { redactor: options.redactor });
  let served: ServedReport;
  try {
    served = await serveReport(root, { port: options.port ?? DEFAULT_REPORT_PORT });
  } catch (err) {
    if (options.port !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    served = await serveReport(root, { port: 0 });
  }
  options.print(`Serving ${root} at ${served.pageUrl} (Ctrl-C to stop)`);
  return served;
}

