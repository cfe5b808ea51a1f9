/**
 * Entry point of the `nedradesk` executable.
 */
import { runCli } from './nedradesk';

void runCli(process.argv).then((status) => {
  process.exitCode = status;
});
