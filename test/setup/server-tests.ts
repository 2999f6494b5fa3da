import { DefaultLogger, Runtime } from '@temporalio/worker';

// Tests against real servers include server and worker start-up; give them room (not a speed target).
jest.setTimeout(120_000);

// Worker state changes and bundling stats are noise in test output; warnings and errors stay.
Runtime.install({ logger: new DefaultLogger('WARN') });
