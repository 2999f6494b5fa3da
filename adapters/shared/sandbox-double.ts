/**
 * What every HTTP sandbox double shares: its server on 127.0.0.1 (an ephemeral port unless given),
 * the optional bearer token, the `url` its real client is pointed at, and `close()`.
 */
import {
  startSandboxServer,
  type RunningSandboxServer,
  type SandboxErrorKind,
  type SandboxRoute,
} from './sandbox-server';

export interface SandboxListenOptions {
  host?: string;
  port?: number;
  /** When set, every non-public route requires `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

/** The error body of the JSON-over-HTTP systems: `{ error, message }`. */
export function jsonErrorBody(error: SandboxErrorKind, message: string): unknown {
  return { error, message };
}

export abstract class HttpSandboxDouble {
  private server?: RunningSandboxServer;

  protected constructor(private readonly systemName: string) {}

  protected async listen(
    options: SandboxListenOptions,
    routes: SandboxRoute[],
    errorBody: (kind: SandboxErrorKind, message: string) => unknown = jsonErrorBody,
  ): Promise<void> {
    this.server = await startSandboxServer({
      name: this.systemName,
      host: options.host,
      port: options.port,
      bearerToken: options.apiKey,
      errorBody,
      routes,
    });
  }

  /** Server root for the system's real client (`baseUrl`). */
  get url(): string {
    if (!this.server) throw new Error(`${this.systemName} sandbox not started`);
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
