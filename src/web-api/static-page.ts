import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { renderError } from '../core/errors.js';
import { errorBody } from './web-errors.js';

/** Where the page's build lands (`npm run build` builds `web/` into it): `<repo>/dist/web`, from src/ or dist/. */
export const DEFAULT_PAGE_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const isApiPath = (url: string): boolean => /^\/(api|auth)(\/|$|\?)/.test(url) || url.startsWith('/openapi.json');

/**
 * Serves the player page: its files from `dir`, and index.html for `/` and every other non-API path (the page
 * routes itself). Unknown API paths answer the JSON 404. Without a build, `/` answers a short 503 page.
 */
export async function registerStaticPage(app: FastifyInstance, dir: string): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: true, index: ['index.html'] });
  app.setNotFoundHandler(async (request, reply) => {
    if (isApiPath(request.url) || (request.method !== 'GET' && request.method !== 'HEAD'))
      return reply.code(404).send(errorBody('NOT_FOUND'));
    if (built) return reply.sendFile('index.html');
    return reply
      .code(503)
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="en"><meta charset="utf-8"><title>tunebot</title><p>${renderError('PAGE_NOT_BUILT').replace(/`/g, '')}</p></html>`,
      );
  });
}
