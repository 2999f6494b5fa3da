/**
 * Prints a development API token: `npm run token -- --role operator [--sub id] [--vendor-id v]`.
 * Uses the same secret as the API (JWT_SECRET, or the sandbox secret in the data folder), and its
 * JWT_ISSUER and JWT_AUDIENCE.
 */
import { parseArgs } from 'node:util';
import { ROLES, type Principal, signToken } from '../api/auth';
import { loadConfig } from '../platform/config';
import { resolveJwtSecret } from '../platform/temporal-connection';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    'vendor-id': { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});

function fail(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run token -- --role customer|vendor|operator [--sub ID] [--vendor-id ID] [--expires 12h]\n`,
  );
  process.exit(2);
}

const role = values.role;
if (!role || !(ROLES as readonly string[]).includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
const sub = values.sub ?? `${role}-dev`;
let principal: Principal;
if (role === 'vendor') principal = { role, sub, vendorId: values['vendor-id'] ?? 'vendor-dev' };
else principal = { role: role as 'customer' | 'operator', sub };

const config = loadConfig();
// The API's issuer, audience and lifetime bound: a token longer than JWT_MAX_LIFETIME_SECONDS is refused.
const policy = {
  secret: resolveJwtSecret(config),
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
  maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS,
};
process.stdout.write(signToken(policy, principal, values.expires as never) + '\n');
