// Bundles the console with vite, after checking that `npm ci` ran (the
// packages come from the registry, pinned by package-lock.json; nothing
// built is committed).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!existsSync(path.join(here, 'node_modules', 'vite', 'package.json'))) {
  console.error(`error: the console's npm packages are not installed in ${here}/node_modules: ` +
                'run scripts/install-deps (it runs `npm ci` there)');
  process.exit(1);
}
const { build } = await import('vite');
await build({ configFile: path.join(here, 'vite.config.js'), logLevel: 'warn' });
