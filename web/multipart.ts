/**
 * A page form that carries a file (`enctype="multipart/form-data"`), parsed with busboy: the text
 * fields become `req.body` as for any form (so the CSRF check and the handlers read them the same
 * way), the one file is kept in memory for the handler. Only for a logged-in session: a visitor
 * without one gets an empty body (and the CSRF page) without anything being read into memory.
 *
 * The file is read up to one byte past `maxFileBytes`: enough for the rule that decides the file to
 * see it is too big, without holding more; the rest of it is drained and dropped.
 */
import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { render } from './render';

export interface UploadedFile {
  /** The content type the browser declared for the file. */
  declaredType: string;
  bytes: Buffer;
  /** More than `maxFileBytes` was sent: `bytes` holds the first `maxFileBytes + 1` only. */
  tooLarge: boolean;
}

const uploads = new WeakMap<Request, UploadedFile>();

/** The file posted in the form's file field; undefined when none was chosen. */
export function uploadOf(req: Request): UploadedFile | undefined {
  return uploads.get(req);
}

export function multipartForm(options: { fileField: string; maxFileBytes: number }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    req.body = {};
    if (!req.is('multipart/form-data') || !req.webSession?.data.customerId) return next();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: options.maxFileBytes + 1, fields: 20, fieldSize: 64 * 1024, parts: 21 },
      });
    } catch {
      render(req, res, 'message.njk', { kind: 'conflict' }, 400).catch(next);
      return;
    }
    const fields: Record<string, string> = {};
    let failed = false;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // An empty file input still sends a part, without a name and without content.
        if (name !== options.fileField || (bytes.length === 0 && !info.filename)) return;
        uploads.set(req, { declaredType: info.mimeType, bytes, tooLarge: stream.truncated === true });
      });
    });
    parser.on('error', () => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      render(req, res, 'message.njk', { kind: 'conflict' }, 400).catch(next);
    });
    parser.on('close', () => {
      if (failed) return;
      req.body = fields;
      next();
    });
    req.pipe(parser);
  };
}
