/**
 * Checks docker-compose.yml, the Dockerfile and deploy/ without a Docker engine:
 *  - the compose file validates against the Compose Specification JSON schema vendored in
 *    test/fixtures/compose-spec.json (needs only npm packages, so it runs everywhere);
 *  - where a compose CLI is installed (`docker compose` or `docker-compose`), `config -q` must
 *    accept the file too; set REQUIRE_COMPOSE_CLI=1 to make a missing CLI a failure;
 *  - structural facts the stack depends on (schema job before the server, search attributes,
 *    codec endpoint, app environment accepted by the app's own config parser, ...).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { parseConfig } from '../../platform/config';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_PATH = path.join(ROOT, 'docker-compose.yml');
const SCHEMA_PATH = path.join(ROOT, 'test/fixtures/compose-spec.json');

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Env | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { type: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[] };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const EXPECTED_SEARCH_ATTRIBUTES: Record<string, string> = {
  ApplicationStatus: 'Keyword',
  VendorId: 'Keyword',
  ApplicationReference: 'Keyword',
  LoanStatus: 'Keyword',
  ContractNumber: 'Keyword',
  DaysPastDue: 'Int',
  InCollection: 'Bool',
  CollectionStatus: 'Keyword',
  CaseNumber: 'Keyword',
  DaysInCollection: 'Int',
};

const APP_ENV_NAMES = [
  'ENGINE_MODE',
  'HOST',
  'PORT',
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'JWT_SECRET',
  'PAYLOAD_ENCRYPTION_KEYS',
  'CODEC_CORS_ORIGINS',
  'LOG_LEVEL',
];

const composeText = fs.readFileSync(COMPOSE_PATH, 'utf8');
const compose = parse(composeText) as ComposeFile;
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

function envOf(s: Service): Env {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

/**
 * Resolves compose interpolation (`${VAR}`, `${VAR:-default}`, `${VAR:?message}`) against `vars`, as
 * compose does: a required variable that is unset throws with its message.
 */
function interpolate(value: string, vars: Env = {}): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}/g,
    (_m, name: string, _dash?: string, dflt?: string, required?: string, message?: string) => {
      const v = vars[name];
      if (v !== undefined && v !== '') return v;
      if (required) throw new Error(`required variable ${name} is missing a value: ${message}`);
      return dflt ?? '';
    },
  );
}

function dependsOn(s: Service): Record<string, string | undefined> {
  const d = s.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [n, undefined]));
  return Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v?.condition]));
}

function commandLine(c: string | string[] | undefined): string {
  return Array.isArray(c) ? c.join(' ') : (c ?? '');
}

function publishedPorts(s: Service): string[] {
  return (s.ports ?? []).map((p) => (typeof p === 'object' ? `${p.published ?? ''}:${p.target}` : String(p)));
}

/** Host paths of bind mounts (short syntax `./a:/b[:ro]` or long syntax type: bind). */
function bindSources(s: Service): string[] {
  return (s.volumes ?? []).flatMap((v) => {
    if (typeof v === 'object') return v.type === 'bind' && v.source ? [v.source] : [];
    const source = v.split(':')[0] ?? '';
    return source.startsWith('.') || source.startsWith('/') ? [source] : [];
  });
}

/** The script a one-shot job runs: `entrypoint: ["/bin/sh"]`, `command: /scripts/NAME.sh`. */
function jobScript(s: Service): string {
  expect(commandLine(s.entrypoint)).toBe('/bin/sh');
  const cmd = commandLine(s.command);
  const match = /^\/scripts\/([\w.-]+\.sh)$/.exec(cmd);
  if (!match) throw new Error(`unexpected job command: ${cmd}`);
  const mount = (s.volumes ?? []).find((v) => typeof v === 'string' && /^\.\/deploy\/scripts:\/scripts(:ro)?$/.test(v));
  expect(mount).toBeDefined();
  const file = path.join(ROOT, 'deploy/scripts', match[1]!);
  expect(fs.existsSync(file)).toBe(true);
  return fs.readFileSync(file, 'utf8');
}

// ---- Compose Specification schema -------------------------------------------------------------

function compileComposeSchema(): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // The vendored schema names a draft-2019-09 meta-schema URL that Ajv does not ship, but uses
  // only draft-07 keywords plus legacy draft-04 `id` annotations (JSON pointers that no $ref
  // uses), which Ajv refuses: drop those two, keep every validating keyword.
  delete schema.$schema;
  const dropLegacyIds = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(dropLegacyIds);
    else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (typeof obj.id === 'string') delete obj.id;
      Object.values(obj).forEach(dropLegacyIds);
    }
  };
  dropLegacyIds(schema);
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Formats the compose spec declares; checked, not ignored.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat(
    'ports',
    /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  );
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  return ajv.compile(schema);
}

describe('docker-compose.yml against the Compose Specification schema', () => {
  const validate = compileComposeSchema();

  it('is valid', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects broken files (so the check above is not vacuous)', () => {
    const clone = () => parse(composeText) as ComposeFile;

    const typo = clone();
    (typo.services.temporal as Record<string, unknown>).imagee = 'temporalio/server:1.31.0';
    expect(validate(typo)).toBe(false);

    const badCondition = clone();
    badCondition.services.temporal!.depends_on = { 'temporal-admin-tools': { condition: 'service_finished' } };
    expect(validate(badCondition)).toBe(false);

    const badDuration = clone();
    badDuration.services.postgresql!.healthcheck = { ...service('postgresql').healthcheck, interval: 'soon' } as never;
    expect(validate(badDuration)).toBe(false);

    const badPort = clone();
    badPort.services['temporal-ui']!.ports = ['localhost:eighty:8080'];
    expect(validate(badPort)).toBe(false);
  });
});

// ---- compose CLI, where one is installed ---------------------------------------------------------

function findComposeCli(): string[] | null {
  const candidates = [['docker', 'compose'], ['docker-compose']];
  for (const cmd of candidates) {
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return cmd;
  }
  return null;
}

describe('docker-compose.yml with a compose CLI', () => {
  const cli = findComposeCli();
  // Runs without the caller's .env or secrets, so the result does not depend on the machine.
  const emptyEnvFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'compose-test-')), 'empty.env');
  fs.writeFileSync(emptyEnvFile, '');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['JWT_SECRET', 'PAYLOAD_ENCRYPTION_KEYS', 'COMPOSE_FILE', 'COMPOSE_PROFILES']) delete env[name];
  // The file demands its secrets: these stand in for a .env file.
  const secrets = {
    JWT_SECRET: 'j'.repeat(43),
    PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
  };
  Object.assign(env, secrets);
  afterAll(() => fs.rmSync(path.dirname(emptyEnvFile), { recursive: true, force: true }));

  function runConfig(file: string, extra: string[] = []) {
    return spawnSync(
      cli![0]!,
      [...cli!.slice(1), '--env-file', emptyEnvFile, '-f', file, '--project-directory', ROOT, 'config', ...extra],
      { encoding: 'utf8', timeout: 60_000, env, cwd: ROOT },
    );
  }

  it('`config` accepts the file and rejects a broken one (REQUIRE_COMPOSE_CLI=1 demands a CLI)', () => {
    if (!cli) {
      // Not a silent pass: say so, and fail where a CLI is required.
      process.stderr.write(
        'compose.test: no `docker compose` or `docker-compose` on PATH; the file was checked ' +
          'against the vendored Compose Specification schema only.\n',
      );
      expect(process.env.REQUIRE_COMPOSE_CLI ?? '').not.toMatch(/^(1|true|yes)$/i);
      return;
    }

    const quiet = runConfig(COMPOSE_PATH, ['-q']);
    expect({ status: quiet.status, stderr: quiet.stderr }).toEqual({ status: 0, stderr: expect.any(String) });

    // The normalised output keeps what the stack depends on.
    const full = runConfig(COMPOSE_PATH);
    expect(full.status).toBe(0);
    const resolved = parse(full.stdout) as ComposeFile;
    expect(dependsOn(resolved.services.temporal!)['temporal-admin-tools']).toBe('service_completed_successfully');
    expect(envOf(resolved.services.api!).JWT_SECRET).toBe(interpolate(envOf(service('api')).JWT_SECRET!, secrets));

    const broken = path.join(path.dirname(emptyEnvFile), 'docker-compose.yml');
    fs.writeFileSync(broken, composeText.replace('service_completed_successfully', 'service_finished'));
    const rejected = runConfig(broken, ['-q']);
    expect(rejected.status).not.toBe(0);
    expect(rejected.stderr).toMatch(/service_finished/);
  }, 120_000);
});

// ---- what the stack is made of --------------------------------------------------------------------

describe('docker-compose.yml structure', () => {
  it('pins every image to an explicit tag (no latest) and uses no auto-setup image', () => {
    const images = Object.entries(services).flatMap(([, s]) => (s.image ? [s.image] : []));
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const image of images) {
      expect(image).toMatch(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[a-f0-9]{64})$/);
      expect(image).not.toMatch(/:latest$/);
      expect(image).not.toContain('$'); // no tag left to the environment
      expect(image).not.toMatch(/auto-setup/);
    }
    expect(composeText).not.toMatch(/auto-setup/);
    for (const [name, s] of Object.entries(services))
      expect({ name, ok: Boolean(s.image || s.build) }).toEqual({ name, ok: true });
  });

  it('runs PostgreSQL 16 with a pg_isready healthcheck', () => {
    const pg = service('postgresql');
    expect(pg.image).toMatch(/^postgres:16(\.\d+)?(-[a-z]+)?$/);
    expect(commandLine(pg.healthcheck?.test)).toMatch(/pg_isready/);
  });

  it('migrates the temporal and temporal_visibility schemas in a one-shot admin-tools job', () => {
    const job = service('temporal-admin-tools');
    expect(job.image).toMatch(/^temporalio\/admin-tools:/);
    expect(dependsOn(job).postgresql).toBe('service_healthy');
    const env = envOf(job);
    expect(env.DBNAME).toBe('temporal');
    expect(env.VISIBILITY_DBNAME).toBe('temporal_visibility');
    const script = jobScript(job);
    expect(script).toMatch(/temporal-sql-tool/);
    for (const step of ['create', 'setup-schema', 'update-schema']) expect(script).toContain(step);
    expect(script).toContain('/temporal/versioned');
    expect(script).toContain('/visibility/versioned');
  });

  it('starts the Temporal server only after the schema job completed successfully', () => {
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect(dependsOn(temporal)['temporal-admin-tools']).toBe('service_completed_successfully');
    expect(publishedPorts(temporal).some((p) => p.endsWith(':7233'))).toBe(true);
    expect(commandLine(temporal.healthcheck?.test)).toMatch(/7233/);
    // Versions of server and admin-tools go together.
    expect(temporal.image!.split(':')[1]).toBe(service('temporal-admin-tools').image!.split(':')[1]);
    // The dynamic config file it is pointed at is mounted from deploy/.
    const env = envOf(temporal);
    expect(env.DB).toBe('postgres12');
    const dyn = env.DYNAMIC_CONFIG_FILE_PATH!;
    expect(dyn).toMatch(/^config\/dynamicconfig\/.+\.yaml$/);
    const mount = (temporal.volumes ?? []).find(
      (v) => typeof v === 'string' && v.includes(':/etc/temporal/config/dynamicconfig'),
    );
    expect(typeof mount).toBe('string');
    const hostDir = path.join(ROOT, (mount as string).split(':')[0]!);
    const file = path.join(hostDir, path.basename(dyn));
    expect(fs.existsSync(file)).toBe(true);
    expect(parse(fs.readFileSync(file, 'utf8'))).toHaveProperty(['limit.maxIDLength']);
  });

  it('creates the default namespace and registers the custom search attributes', () => {
    const job = service('temporal-create-namespace');
    expect(job.image).toMatch(/^temporalio\/admin-tools:/);
    expect(dependsOn(job).temporal).toBe('service_healthy');
    const env = envOf(job);
    expect(env.DEFAULT_NAMESPACE).toBe('default');
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    const registered = Object.fromEntries(
      env
        .SEARCH_ATTRIBUTES!.trim()
        .split(',')
        .map((pair) => pair.trim().split(':') as [string, string]),
    );
    expect(registered).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
    // ...which are exactly the keys the workflows upsert (SDK type names -> CLI type names).
    const cliType: Record<string, string> = {
      TEXT: 'Text',
      KEYWORD: 'Keyword',
      INT: 'Int',
      DOUBLE: 'Double',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      KEYWORD_LIST: 'KeywordList',
    };
    expect(Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, cliType[k.type]]))).toEqual(registered);
    const script = jobScript(job);
    expect(script).toMatch(/temporal operator namespace create/);
    expect(script).toMatch(/temporal operator search-attribute create/);
    expect(script).toContain('SEARCH_ATTRIBUTES');
  });

  it('points the Temporal UI at the api codec endpoint', () => {
    const ui = service('temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:/);
    const env = envOf(ui);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:3000/codec');
    expect(publishedPorts(ui).some((p) => p.endsWith('8080:8080'))).toBe(true);
    // The UI's origin is what the api must allow for the browser's codec calls.
    expect(envOf(service('api')).CODEC_CORS_ORIGINS!.split(',')).toContain('http://localhost:8080');
  });

  it('builds api and worker from the Dockerfile and runs the npm scripts', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const [name, script] of [
      ['api', 'api'],
      ['worker', 'worker'],
    ] as const) {
      const s = service(name);
      const build = typeof s.build === 'string' ? { context: s.build } : s.build;
      expect(build?.context).toBe('.');
      expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(commandLine(s.command)).toBe(`npm run ${script}`);
      expect(pkg.scripts[script]).toBeDefined();
    }
    expect(publishedPorts(service('api')).some((p) => p.endsWith('3000:3000'))).toBe(true);
    expect(commandLine(service('api').healthcheck?.test)).toMatch(/\/readyz/);
  });

  it('gives api and worker the same app environment, with the expected variable names', () => {
    const api = envOf(service('api'));
    const worker = envOf(service('worker'));
    expect(Object.keys(api).sort()).toEqual([...APP_ENV_NAMES].sort());
    expect(worker).toEqual(api);
    expect(api).toMatchObject({
      ENGINE_MODE: 'sandbox',
      PORT: '3000',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'loan-engine',
      CODEC_CORS_ORIGINS: 'http://localhost:8080',
      LOG_LEVEL: 'info',
    });
    // Secrets come from the environment only: no fixed default ships in the file.
    expect(api.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(api.PAYLOAD_ENCRYPTION_KEYS).toMatch(/^\$\{PAYLOAD_ENCRYPTION_KEYS:\?[^}]+\}$/);
    expect(interpolate(api.JWT_SECRET!, { JWT_SECRET: 'x'.repeat(40) })).toBe('x'.repeat(40));
    expect(() => interpolate(api.JWT_SECRET!)).toThrow(/JWT_SECRET/);
    expect(() => interpolate(api.PAYLOAD_ENCRYPTION_KEYS!)).toThrow(/PAYLOAD_ENCRYPTION_KEYS/);
  });

  it('with the secrets given, the app configuration accepts the environment', () => {
    const secrets = {
      JWT_SECRET: 'j'.repeat(43),
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
    };
    const resolved = Object.fromEntries(
      Object.entries(envOf(service('api'))).map(([k, v]) => [k, interpolate(v, secrets)]),
    );
    expect(resolved.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    const keys = resolved.PAYLOAD_ENCRYPTION_KEYS!.split(',');
    for (const entry of keys) {
      const [id, b64, ...rest] = entry.split(':');
      expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(rest).toEqual([]);
      expect(Buffer.from(b64!, 'base64').length).toBe(32);
      expect(Buffer.from(b64!, 'base64').toString('base64')).toBe(b64);
    }
    // The app's own parser accepts the whole environment.
    const config = parseConfig(resolved);
    expect(config.ENGINE_MODE).toBe('sandbox');
    expect(config.PORT).toBe(3000);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(config.PAYLOAD_ENCRYPTION_KEYS?.[0]?.key.length).toBe(32);
  });

  it('gives the app its own database, created before api and worker start', () => {
    const job = service('app-db-init');
    expect(job.image).toBe(service('postgresql').image);
    expect(dependsOn(job).postgresql).toBe('service_healthy');
    const env = envOf(job);
    const url = new URL(envOf(service('api')).DATABASE_URL!);
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgresql');
    expect(url.pathname).toBe(`/${env.APP_DB_NAME}`);
    expect(env.APP_DB_NAME).toBe('loan_engine');
    expect(decodeURIComponent(url.username)).toBe(env.APP_DB_USER);
    expect(decodeURIComponent(url.password)).toBe(env.APP_DB_PASSWORD);
    expect(['temporal', 'temporal_visibility']).not.toContain(env.APP_DB_NAME);
    const script = jobScript(job);
    expect(script).toMatch(/CREATE DATABASE/);
    expect(script).toMatch(/pg_database/); // only when missing: safe on an existing volume
    for (const name of ['api', 'worker']) {
      expect(dependsOn(service(name))).toMatchObject({
        'app-db-init': 'service_completed_successfully',
        'temporal-create-namespace': 'service_completed_successfully',
        postgresql: 'service_healthy',
      });
    }
  });

  it('mounts only host paths that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const source of bindSources(s)) {
        expect({ name, source, exists: fs.existsSync(path.resolve(ROOT, source)) }).toEqual({
          name,
          source,
          exists: true,
        });
      }
    }
  });
});

describe('deploy scripts', () => {
  const dir = path.join(ROOT, 'deploy/scripts');
  const scripts = fs.readdirSync(dir).filter((f) => f.endsWith('.sh'));

  it('are POSIX sh scripts that parse (sh -n) and stop on errors', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const file of scripts) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(text.startsWith('#!/bin/sh\n')).toBe(true);
      expect(text).toMatch(/^set -eu$/m);
      const r = spawnSync('sh', ['-n', path.join(dir, file)], { encoding: 'utf8' });
      expect({ file, status: r.status, stderr: r.stderr }).toEqual({ file, status: 0, stderr: '' });
    }
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('builds on node:20-bookworm-slim with npm install and npm run build', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const froms = instructions.filter((l) => /^FROM /i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2); // multi-stage
    for (const from of froms)
      expect(from).toMatch(/^FROM (\$\{NODE_IMAGE\}|node:20-bookworm-slim|[a-z-]+) AS [a-z-]+$/);
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm install --no-audit\b/));
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm run build$/));
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm install --omit=dev\b/));
  });

  it('runs as a non-root user, exposes 3000 and starts the api by default', () => {
    const users = instructions.filter((l) => /^USER /.test(l));
    expect(users.at(-1)).toMatch(/^USER (node|\d*[1-9]\d*)$/);
    expect(instructions).toContain('EXPOSE 3000');
    expect(instructions.filter((l) => /^CMD /.test(l)).at(-1)).toBe('CMD ["npm", "run", "api"]');
  });

  it('keeps local state, dependencies and build output out of the build context', () => {
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['node_modules', '.data', '.venv', 'dist', '.git', '.env']) expect(ignored).toContain(entry);
  });
});
