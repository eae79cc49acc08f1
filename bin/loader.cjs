// Run by bin/helm-parallel-hooks (node bin/loader.cjs dist/cli.cjs ARGS...): compiles the bundle with V8's
// code cache, kept beside it per bundle and Node.js version (dist/.v8-cache/), and runs it as a CommonJS
// module with process.argv as if node had run the bundle itself. Compiling the bundle from source costs
// more than everything else before the first helm call (ARCHITECTURE.md, "Start fast"). The first run writes
// the cache; an unwritable folder only means no cache. HELM_PARALLEL_HOOKS_CODE_CACHE=0 turns it off.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

process.argv.splice(1, 1); // [node, bundle, ...args]
const file = path.resolve(process.argv[1]);
const source = fs.readFileSync(file, 'utf8').replace(/^#!/, '//');
let cacheFile;
let cachedData;
if (process.env.HELM_PARALLEL_HOOKS_CODE_CACHE !== '0') {
  const s = fs.statSync(file);
  cacheFile = path.join(
    path.dirname(file),
    '.v8-cache',
    `${s.size}-${Math.trunc(s.mtimeMs)}-${process.version}-${process.arch}`,
  );
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  process.once('exit', () => {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // an unwritable folder: no cache
    }
  });
}
const mod = new Module(file);
mod.filename = file;
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
