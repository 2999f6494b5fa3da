/**
 * The codec endpoint the Temporal UI calls to show decrypted payloads (Temporal's remote codec
 * protocol: POST {payloads: [{metadata: {k: base64}, data: base64}]} to /codec/decode|encode).
 * In production mode only operators may use it; the UI forwards their bearer token.
 */
import type { Payload } from '@temporalio/common';
import cors from 'cors';
import { z } from '../zod';
import type { ApiDeps } from '../deps';
import { badRequest } from '../problem';
import type { ApiRoutes } from '../routing';

const jsonPayload = z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().default('') });
const codecBody = z.object({ payloads: z.array(jsonPayload).max(1000) }).openapi('CodecPayloads');

function fromJson(p: z.infer<typeof jsonPayload>): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  };
}

function toJson(p: Payload): z.infer<typeof jsonPayload> {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

export function codecRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  // Registered before the codec routes so preflight requests are answered.
  routes.router.use(
    '/codec',
    cors({
      origin: deps.config.CODEC_CORS_ORIGINS,
      credentials: true,
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      methods: ['POST', 'OPTIONS'],
    }),
  );
  const auth = deps.config.ENGINE_MODE === 'production' ? (['operator'] as const) : ('public' as const);
  for (const direction of ['decode', 'encode'] as const) {
    routes.add({
      method: 'post',
      path: `/codec/${direction}`,
      operationId: `codec${direction === 'decode' ? 'Decode' : 'Encode'}`,
      summary: `${direction === 'decode' ? 'Decrypt' : 'Encrypt'} Temporal payloads (for the Temporal UI)`,
      description: 'Open in sandbox mode; operator-only in production mode.',
      tags: ['operations'],
      auth,
      body: codecBody,
      responses: { 200: { description: 'the payloads, transformed', schema: codecBody } },
      handler: async ({ body }) => {
        const payloads = body.payloads.map(fromJson);
        try {
          const out = direction === 'decode' ? await deps.codec.decode(payloads) : await deps.codec.encode(payloads);
          return { status: 200, body: { payloads: out.map(toJson) } };
        } catch (err) {
          throw badRequest(`cannot ${direction} payloads: ${(err as Error).message}`, [
            { field: 'body.payloads', message: (err as Error).message },
          ]);
        }
      },
    });
  }
}
