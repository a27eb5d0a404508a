/** `harness worker`: the worker process in the foreground. */
import { runWorker } from '../../../worker/run-worker';

export const workerCommand = (): Promise<void> => runWorker();
