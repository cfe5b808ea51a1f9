/**
 * Entry point of the `nedradesk` executable.
 */
import { runCli } from './nedradesk';

// A reader that stops early (`nedradesk verify X.sig | head -2`) closes the pipe: the next write
// fails with EPIPE, emitted on stdout. Without a listener that is an uncaught exception (a stack
// trace and exit 1, which reads as TOTAL_FAILED); with it, output stops quietly and the command
// still ends with its own status, the verdict's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

void runCli(process.argv).then((status) => {
  process.exitCode = status;
});
