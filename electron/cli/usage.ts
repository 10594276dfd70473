/**
 * Bad usage of a CLI command: the message on stderr, then a CommanderError that main.ts turns into exit code 2.
 * Commands call it before the store starts, so bad flags never open a workspace.
 */
import { CommanderError } from 'commander';

/**
 * Prints `loupe: <message>` on stderr and throws.
 * @throws CommanderError with exit code 2 (code `loupe.usage`)
 */
export function usage(message: string): never {
  process.stderr.write(`loupe: ${message}\n`);
  throw new CommanderError(2, 'loupe.usage', message);
}
