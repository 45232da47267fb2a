import { createInterface } from 'node:readline/promises';
import { PreconditionError } from './checks.js';

/** The phrase a person types to destroy the persistent layer of an environment. */
export const destroyPhrase = (env: string) => `destroy tradai-persistent-${env}`;

/**
 * Destroying persistent deletes market data, results, images and user accounts (data-bearing
 * resources are retained on delete, but the stack loses track of them). It needs the phrase typed,
 * or given as --confirm in a non-interactive run.
 */
export async function confirmPersistentDestroy(
  env: string,
  given: string | undefined,
  io: { interactive: boolean; ask?: (question: string) => Promise<string> } = { interactive: Boolean(process.stdin.isTTY) },
): Promise<void> {
  const phrase = destroyPhrase(env);
  if (given !== undefined) {
    if (given !== phrase) throw new PreconditionError(`--confirm must be exactly "${phrase}"; nothing was destroyed`);
    return;
  }
  if (!io.interactive) {
    throw new PreconditionError(`refusing to destroy the persistent layer without confirmation: re-run interactively, or pass --confirm="${phrase}"`);
  }
  const ask =
    io.ask ??
    (async (q: string) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(q);
      } finally {
        rl.close();
      }
    });
  const answer = (await ask(`DANGER: this destroys all TradAI data stack resources in ${env}. Type "${phrase}" to continue: `)).trim();
  if (answer !== phrase) throw new PreconditionError('confirmation did not match; nothing was destroyed');
}
