// Starts the engine worker from the TypeScript sources (tests, tsx): tsx's `--import` hooks do not
// reach worker threads in Node 20 (privatenumber/tsx#354), so the worker registers them itself.
// The compiled build (`npm start`) runs dist/server/sandbox/worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
