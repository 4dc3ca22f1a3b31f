// Worker bootstrap: lets a worker thread load the TypeScript task module through tsx.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
