/** The built `dev` binary on real projects: flags, environment variables, outputs, exit codes. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../helpers/corpus.js';
import { runBuilt } from '../helpers/run-built.js';

let trio: string;

beforeAll(() => {
  // A copy, so that tests may add files next to it.
  trio = join(mkdtempSync(join(tmpdir(), 'dev-e2e-')), 'trio');
  cpSync(join(projectRoot, 'examples/trio'), trio, { recursive: true });
});

const dev = (args: string[], env: Record<string, string> = {}, cwd = trio, input?: string) =>
  runBuilt(args, { cwd, env, ...(input !== undefined ? { input } : {}) });

describe('dev basics', () => {
  it('prints its version', () => {
    const version = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version as string;
    expect(dev(['--version']).stdout).toBe(`${version}\n`);
    expect(dev(['version']).stdout).toBe(`dev version ${version}\n`);
  });

  it('prints help for the program and for a command', () => {
    const help = dev(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('config');
    expect(help.stdout).toContain('--project-name');
    const config = dev(['help', 'config']);
    expect(config.stdout).toContain('--explain');
    expect(config.stdout).toContain('--no-interpolate');
  });

  it('an unknown command or flag is a usage error', () => {
    const unknown = dev(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(dev(['config', '--nope']).code).toBe(2);
  });
});

describe('dev config on the example', () => {
  it('merges compose.yaml, compose.override.yaml and .env', () => {
    const { code, stdout, stderr } = dev(['config']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const project = parse(stdout);
    expect(project.name).toBe('trio');
    expect(Object.keys(project.services)).toEqual(['api', 'db', 'web']);
    expect(project.services.api.environment).toEqual({
      DB_HOST: 'db',
      DB_PASSWORD: 'example-only',
      DEBUG: 'true',
    });
    expect(project.services.web.ports).toEqual([
      { mode: 'ingress', target: 8080, published: '8080', protocol: 'tcp' },
    ]);
    expect(project.services.api.build.context).toBe(join(trio, 'api'));
    expect(project.volumes['db-data']).toEqual({ name: 'trio_db-data' });
  });

  it('the shell environment wins over .env', () => {
    const project = parse(dev(['config'], { WEB_PORT: '9090' }).stdout);
    expect(project.services.web.ports[0].published).toBe('9090');
  });

  it('is found from a subdirectory', () => {
    const { code, stdout } = dev(['config', '--services'], {}, join(trio, 'web'));
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'api\ndb\nweb\n' });
  });

  it('prints JSON', () => {
    const project = JSON.parse(dev(['config', '--format', 'json']).stdout);
    expect(project.services.db.image).toBe('dev-example/busybox:latest');
  });

  it('writes to a file with -o', () => {
    const out = join(trio, 'resolved.yaml');
    expect(dev(['config', '-o', out]).stdout).toBe('');
    expect(parse(readFileSync(out, 'utf8')).name).toBe('trio');
  });

  it('lists services, volumes, networks, profiles and images', () => {
    expect(dev(['config', '--volumes']).stdout).toBe('db-data\n');
    expect(dev(['config', '--networks']).stdout).toBe('default\n');
    expect(dev(['config', '--profiles']).stdout).toBe('debug\n');
    expect(dev(['config', '--images']).stdout).toBe(
      'trio-api\ndev-example/busybox:latest\ndev-example/busybox:latest\n',
    );
  });

  it('profiles from --profile and COMPOSE_PROFILES', () => {
    expect(dev(['--profile', 'debug', 'config', '--services']).stdout).toBe('api\ndb\ndebug\nweb\n');
    expect(dev(['config', '--services'], { COMPOSE_PROFILES: 'debug' }).stdout).toBe('api\ndb\ndebug\nweb\n');
  });

  it('a service named on the command line activates its profile and brings its dependencies', () => {
    expect(dev(['config', '--services', 'debug']).stdout).toBe('debug\n');
    expect(dev(['config', '--services', 'web']).stdout).toBe('api\ndb\nweb\n');
  });

  it('lists the variables with their defaults', () => {
    const lines = dev(['config', '--variables']).stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+REQUIRED\s+DEFAULT VALUE\s+ALTERNATE VALUE$/);
    expect(lines.find((l) => l.startsWith('DB_PASSWORD'))).toMatch(/^DB_PASSWORD\s+true$/);
    expect(lines.find((l) => l.startsWith('WEB_PORT'))).toMatch(/^WEB_PORT\s+false\s+8080$/);
  });

  it('prints the interpolation environment', () => {
    const lines = dev(['config', '--environment'], { FROM_SHELL: 'yes' }).stdout.split('\n');
    expect(lines).toContain('DB_PASSWORD=example-only');
    expect(lines).toContain('FROM_SHELL=yes');
  });

  it('config hashes change when a service changes, and only then', () => {
    const before = dev(['config', '--hash', '*']).stdout;
    expect(before).toMatch(/^api [0-9a-f]{64}\ndb [0-9a-f]{64}\nweb [0-9a-f]{64}\n$/);
    expect(dev(['config', '--hash', '*']).stdout).toBe(before);
    const after = dev(['config', '--hash', '*'], { WEB_PORT: '9191' }).stdout;
    const line = (text: string, svc: string) => text.split('\n').find((l) => l.startsWith(`${svc} `));
    expect(line(after, 'web')).not.toBe(line(before, 'web'));
    expect(line(after, 'db')).toBe(line(before, 'db'));
  });

  it('keeps variables as written with --no-interpolate', () => {
    const project = parse(dev(['config', '--no-interpolate']).stdout);
    expect(project.services.web.image).toBe('${WEB_IMAGE:-dev-example/busybox:latest}');
  });

  it('prints the merged files with --no-normalize', () => {
    const doc = parse(dev(['config', '--no-normalize']).stdout);
    expect(doc.services.web.ports).toEqual(['8080:8080']);
  });

  it('explains where values come from, hiding secrets', () => {
    const { stdout } = dev(['config', '--explain', 'api.environment']);
    expect(stdout).toContain(
      'api.environment.DEBUG = "true"\n    written at compose.override.yaml:5:14\n    overrides compose.yaml:',
    );
    expect(stdout).toContain('api.environment.DB_PASSWORD = ****** (hidden: looks like a secret)');
    expect(stdout).not.toContain('example-only');
    expect(stdout).toContain('${DB_PASSWORD} supplied by env file .env');
  });

  it('fails with exit code 14 and the variable named when .env is disabled', () => {
    const { code, stderr } = dev(['config', '-q'], { COMPOSE_DISABLE_ENV_FILE: '1' });
    expect(code).toBe(14);
    expect(stderr).toContain(
      'compose.yaml:34:20: error: error while interpolating services.api.environment.DB_PASSWORD: required variable DB_PASSWORD is missing a value: set DB_PASSWORD in .env',
    );
  });
});

describe('dev config file selection', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-files-'));
    mkdirSync(join(dir, 'My App'));
    writeFileSync(join(dir, 'My App', 'base.yaml'), 'services:\n  web:\n    image: nginx\n');
    writeFileSync(
      join(dir, 'My App', 'extra.yaml'),
      'services:\n  web:\n    environment:\n      LEVEL: ${LEVEL:-info}\n',
    );
    writeFileSync(join(dir, 'My App', 'alt.env'), 'LEVEL=debug\n');
  });

  it('reads stdin with -f -', () => {
    const { code, stdout } = dev(
      ['-f', '-', '-p', 'piped', 'config', '--services'],
      {},
      dir,
      'services:\n  one:\n    image: a\n',
    );
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'one\n' });
  });

  it('merges -f files in order and names the project after the directory, normalised', () => {
    const project = parse(
      dev(['-f', 'My App/base.yaml', '-f', 'My App/extra.yaml', 'config'], {}, dir).stdout,
    );
    expect(project.name).toBe('myapp');
    expect(project.services.web.environment).toEqual({ LEVEL: 'info' });
  });

  it('reads COMPOSE_FILE with its separator, COMPOSE_PROJECT_NAME and --env-file', () => {
    const env = {
      COMPOSE_FILE: 'My App/base.yaml;My App/extra.yaml',
      COMPOSE_PATH_SEPARATOR: ';',
      COMPOSE_PROJECT_NAME: 'fromenv',
    };
    const project = parse(dev(['--env-file', 'My App/alt.env', 'config'], env, dir).stdout);
    expect(project.name).toBe('fromenv');
    expect(project.services.web.environment).toEqual({ LEVEL: 'debug' });
  });

  it('-p wins over COMPOSE_PROJECT_NAME', () => {
    const out = dev(
      ['-f', 'My App/base.yaml', '-p', 'flag', 'config'],
      { COMPOSE_PROJECT_NAME: 'env' },
      dir,
    ).stdout;
    expect(parse(out).name).toBe('flag');
  });

  it('an invalid -p is a clear error', () => {
    const { code, stderr } = dev(['-f', 'My App/base.yaml', '-p', 'Bad Name', 'config'], {}, dir);
    expect(code).toBe(14);
    expect(stderr).toBe(
      'error: project name "Bad Name" (from --project-name) is not valid — use lowercase letters, digits, dashes and underscores, starting with a letter or digit\n',
    );
  });
});
