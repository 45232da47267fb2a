import { createInterface } from 'node:readline/promises';
import { PreconditionError } from './checks.js';

/** The phrase a person types to destroy the persistent layer of an environment. */
export const destroyPhrase = (env: string) => `destroy tradai-persistent-${env}`;
/** The second phrase, for the explicit step that removes prod's protection before the destroy. */
export const unprotectPhrase = (env: string) => `unprotect tradai-persistent-${env}`;

export interface ConfirmIo {
  readonly interactive: boolean;
  readonly ask?: (question: string) => Promise<string>;
}

/**
 * Destroying persistent deletes market data, results, images, user accounts and packages, with
 * their contents (down-persistent empties buckets and repositories first). It needs the phrase
 * typed, or given as --confirm in a non-interactive run.
 */
export async function confirmPersistentDestroy(env: string, given: string | undefined, io: ConfirmIo = { interactive: Boolean(process.stdin.isTTY) }): Promise<void> {
  await confirmPhrase(
    destroyPhrase(env),
    given,
    '--confirm',
    `DANGER: this deletes all TradAI data of ${env} (buckets and repositories are emptied first). Type "${destroyPhrase(env)}" to continue: `,
    'refusing to destroy the persistent layer without confirmation',
    io,
  );
}

/** The separate confirmation of the `--unprotect` step (prod): typed, or --confirm-unprotect in CI. */
export async function confirmUnprotect(env: string, given: string | undefined, io: ConfirmIo = { interactive: Boolean(process.stdin.isTTY) }): Promise<void> {
  await confirmPhrase(
    unprotectPhrase(env),
    given,
    '--confirm-unprotect',
    `DANGER: ${env} data is protected. This removes the protection and the AWS deletion protection so the destroy can delete it. Type "${unprotectPhrase(env)}" to continue: `,
    `refusing to unprotect ${env} without its own confirmation`,
    io,
  );
}

async function confirmPhrase(phrase: string, given: string | undefined, flag: string, question: string, refusal: string, io: ConfirmIo): Promise<void> {
  if (given !== undefined) {
    if (given !== phrase) throw new PreconditionError(`${flag} must be exactly "${phrase}"; nothing was destroyed`);
    return;
  }
  if (!io.interactive) {
    throw new PreconditionError(`${refusal}: re-run interactively, or pass ${flag}="${phrase}"`);
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
  const answer = (await ask(question)).trim();
  if (answer !== phrase) throw new PreconditionError('confirmation did not match; nothing was destroyed');
}
