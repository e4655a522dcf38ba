// Lets `node --experimental-transform-types` run the bench and the offline Discord straight from their .ts
// sources, whose imports use the `.js` suffix that NodeNext TypeScript requires: a relative `./x.js` that
// does not exist on disk is resolved to `./x.ts`. Nothing under node_modules or dist/ is affected.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, nextResolve) {
  if (
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js') &&
    context.parentURL?.endsWith('.ts')
  ) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) {
      const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
    }
  }
  return nextResolve(specifier, context);
}
