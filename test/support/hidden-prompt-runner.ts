/**
 * Runs the CLI's hidden prompt on the terminal it was started on (a pseudo-terminal made by
 * `script` in the tests) and prints what it read as hex, for test/security/pin-prompt-escape-sequences.test.ts.
 */
import { promptHidden } from '../../src/main/cli/secret-input';
import { AppError } from '../../src/shared/errors';

promptHidden('PIN-код токена: ').then(
  (secret) => {
    process.stdout.write(`\nRESULT:${secret.toString('hex')}\n`);
  },
  (error: unknown) => {
    process.stdout.write(`\nERROR:${error instanceof AppError ? error.code : String(error)}\n`);
    process.exitCode = 1;
  },
);
