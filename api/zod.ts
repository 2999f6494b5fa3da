/**
 * The API's zod, extended with `.openapi()`. Import `z` from here in api/ so the extension is in
 * place before any schema is built, whatever the module load order.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
export type { ZodObject, ZodType } from 'zod';
