import type { RequestHandler } from 'express';
import multer from 'multer';
import { MAX_ATTACHMENT_BYTES, tooLarge } from '../cases/index.ts';
import { AppError } from '../errors/index.ts';
import { checkText, fromEdgeError } from './edge.ts';

// busboy reads a part's `filename="…"` as latin1 unless told otherwise; browsers and fetch send it
// as UTF-8 bytes, so 现场照片.png arrived as mojibake. (`filename*=UTF-8''…` is decoded either way.)
const uploader = multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5 } }).single('file');

/**
 * One file in multipart field `file`, with multer's errors in our shape (413 for a file over 10 MB).
 * Whatever else fails while reading the form — busboy's "Unexpected end of form" for a truncated
 * body, a missing boundary, a malformed part header, a charset or Content-Encoding we do not
 * read — is the client's: 400 `upload_invalid` (or the edge's code), never a 500.
 */
export const upload: RequestHandler = (req, res, next) =>
  uploader(req, res, (err: unknown) => {
    if (!err) {
      try {
        // The form fields and the file's name reach PostgreSQL as text: the edge's rules apply.
        checkText(req.body, 'body');
        if (req.file) checkText(req.file.originalname, 'file.name');
      } catch (e) {
        return next(e);
      }
      return next();
    }
    if (err instanceof multer.MulterError) return next(err.code === 'LIMIT_FILE_SIZE' ? tooLarge() : new AppError('upload_invalid', `The upload is not valid: ${err.message}.`, { status: 400 }));
    if (err instanceof AppError) return next(err);
    next(fromEdgeError(err) ?? new AppError('upload_invalid', `The upload could not be read: ${(err as Error)?.message ?? 'malformed multipart body'}.`, { status: 400, cause: err }));
  });
