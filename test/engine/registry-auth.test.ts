/**
 * Registry credentials end to end against dockerd and a local registry that asks for basic
 * auth: from `auths` in config.json, from a credential helper, and refused without either.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDockerApi } from '../../src/engine/docker-api/connect-docker-api.js';
import type { DockerApiEngine } from '../../src/engine/docker-api/docker-api-engine.js';
import { EngineError } from '../../src/engine/engine.js';
import { type LocalRegistry, startRegistry } from './helpers/local-registry.js';
import { ensureTestImage, shortId, TEST_IMAGE } from './helpers/test-image.js';

const socket = '/var/run/docker.sock';
const hasRegistry =
  process.env.PATH?.split(delimiter).some((d) => existsSync(join(d, 'docker-registry'))) ?? false;
/** bcrypt of `devtest-password` (cost 4), made once with crypt(3). */
const HTPASSWD = 'devtest:$2b$04$K2Ih7KcxtJgqRTgVHGX7D.QyeDX/tfRFi4ig2kBghpca9.n9j0nvK';
const basic = Buffer.from('devtest:devtest-password').toString('base64');

describe.skipIf(!existsSync(socket) || !hasRegistry)(
  'registry credentials (dockerd, docker-registry)',
  () => {
    let registry: LocalRegistry;
    let home: string;
    const id = shortId();
    const engines: DockerApiEngine[] = [];
    const refs: string[] = [];

    /** An engine reading its docker config from `config` (written to a fresh DOCKER_CONFIG). */
    async function engineWith(config: unknown, extraPath?: string): Promise<DockerApiEngine> {
      const dir = mkdtempSync(join(home, 'cfg-'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      const path = [extraPath, process.env.PATH].filter(Boolean).join(delimiter);
      const engine = await connectDockerApi({
        endpoint: `unix://${socket}`,
        env: { DOCKER_CONFIG: dir, PATH: path },
        homedir: home,
      });
      engines.push(engine);
      return engine;
    }

    async function tagged(engine: DockerApiEngine, name: string): Promise<string> {
      const ref = `${registry.host}/devtest/${name}:${id}`;
      await engine.tagImage(TEST_IMAGE, ref);
      refs.push(ref);
      return ref;
    }

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'dev-auth-'));
      registry = await startRegistry({ htpasswd: HTPASSWD });
      const engine = await engineWith({});
      await ensureTestImage(engine);
    }, 60_000);

    afterAll(async () => {
      const engine = engines[0];
      for (const ref of refs) await engine?.removeImage(ref).catch(() => {});
      for (const e of engines) e.close();
      await registry?.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it('is refused without credentials', async () => {
      const engine = await engineWith({});
      const error = await engine.pushImage(await tagged(engine, 'anon')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).message).toMatch(
        /no basic auth credentials|unauthorized|authentication required/i,
      );
    });

    it('pushes and pulls with `auths` from config.json', async () => {
      const engine = await engineWith({ auths: { [registry.host]: { auth: basic } } });
      const ref = await tagged(engine, 'auths');
      await engine.pushImage(ref);
      await engine.removeImage(ref);
      await engine.pullImage(ref);
      expect(await engine.inspectImage(ref)).toBeDefined();
    });

    it('pushes with credentials from a credential helper', async () => {
      const bin = join(home, 'bin');
      mkdirSync(bin, { recursive: true });
      const helper = join(bin, 'docker-credential-devtest');
      writeFileSync(
        helper,
        `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "${registry.host}" ] || exit 1\necho '{"ServerURL":"'"$server"'","Username":"devtest","Secret":"devtest-password"}'\n`,
      );
      chmodSync(helper, 0o755);
      const engine = await engineWith({ credHelpers: { [registry.host]: 'devtest' } }, bin);
      await engine.pushImage(await tagged(engine, 'helper'));
    });
  },
);
