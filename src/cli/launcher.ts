/**
 * The `dev` binary (built to dist/dev.cjs). It runs the bundled CLI (dist/dev-main.cjs) through
 * V8's code cache: the bytecode of the previous run is kept in the user's cache directory, so a
 * cold `dev config` skips most parsing and compiling. Any problem with the cache (unwritable
 * directory, stale or rejected data) only means running without it. DEV_NO_CODE_CACHE=1
 * turns it off.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';

declare const __DEV_VERSION__: string;

const mainFile = join(__dirname, 'dev-main.cjs');
const source = readFileSync(mainFile, 'utf8');
const cacheFile = codeCachePath();
let cachedData: Buffer | undefined;
if (cacheFile) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run, or no cache: compile from source
  }
}

const script = new Script(wrap(source), { filename: mainFile, ...(cachedData ? { cachedData } : {}) });
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  // Written at exit, when the functions this run used are compiled too.
  process.once('exit', () => saveCodeCache(script, cacheFile));
}
const run = script.runInThisContext() as (...args: unknown[]) => void;
const module = { exports: {} };
run.call(module.exports, module.exports, createRequire(mainFile), module, mainFile, __dirname);

function codeCachePath(): string | undefined {
  const env = process.env;
  if (env.DEV_NO_CODE_CACHE) return undefined;
  try {
    const base = env.DEV_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dev');
    const { size, mtimeMs } = statSync(mainFile);
    // One file per build: a new build never reads an older build's bytecode.
    return join(base, `code-${__DEV_VERSION__}-${size}-${Math.floor(mtimeMs)}-${process.version}.bin`);
  } catch {
    return undefined;
  }
}

function saveCodeCache(compiled: Script, file: string): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, compiled.createCachedData(), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // a read-only home or a full disk: run without the cache next time too
  }
}
