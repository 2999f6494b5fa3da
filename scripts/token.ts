/**
 * Prints a development API token: `npm run token -- --role operator [--sub id] [--vendor-id v]`.
 * Uses the same secret as the API (JWT_SECRET, or the sandbox secret in the data folder).
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
process.stdout.write(signToken(resolveJwtSecret(config), principal, values.expires as never) + '\n');
