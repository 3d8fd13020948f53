import type { RequestHandler } from 'express';
import multer from 'multer';
import { MAX_ATTACHMENT_BYTES, tooLarge } from '../cases/index.ts';
import { AppError } from '../errors/index.ts';

const uploader = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5 } }).single('file');

/** One file in multipart field `file`, with multer's errors in our shape (413 for a file over 10 MB). */
export const upload: RequestHandler = (req, res, next) =>
  uploader(req, res, (err: unknown) => {
    if (!err) return next();
    if (err instanceof multer.MulterError) return next(err.code === 'LIMIT_FILE_SIZE' ? tooLarge() : new AppError('upload_invalid', `The upload is not valid: ${err.message}.`, { status: 400 }));
    next(err);
  });
