// Writes a .gz next to every compressible file in dist/ so nginx can serve it with
// gzip_static. Run after `vite build`; prints each file's gzipped size.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

let jsTotal = 0;
for (const path of walk(dist)) {
  if (!compressible.test(path)) continue;
  const gz = gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${path}.gz`, gz);
  if (path.endsWith('.js')) jsTotal += gz.length;
  console.log(`gzip ${relative(dist, path)} -> ${(gz.length / 1024).toFixed(1)} KB`);
}
console.log(`gzip: JavaScript total ${(jsTotal / 1024).toFixed(1)} KB gzipped (budget 150 KB)`);
if (jsTotal > 150 * 1024) {
  console.error('gzip: JavaScript is over the 150 KB budget');
  process.exit(1);
}
