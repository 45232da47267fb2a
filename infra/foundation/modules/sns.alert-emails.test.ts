import * as pulumi from '@pulumi/pulumi';
import { loadConfig } from '@tradai/infra-shared';
import { runInStack, setupStackTest } from '@tradai/infra-shared/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { missingAlertEmailsWarning } from './sns.logic.js';

describe('alert e-mail subscriptions', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns only for prod without any address', () => {
    expect(missingAlertEmailsWarning('prod', [])).toMatch(/^tradai:alertEmails is empty in prod: .*nobody is notified.*infra\/foundation\/Pulumi\.prod\.yaml/);
    expect(missingAlertEmailsWarning('prod', ['ops@example.com'])).toBeUndefined();
    expect(missingAlertEmailsWarning('dev', [])).toBeUndefined();
    expect(missingAlertEmailsWarning('staging', [])).toBeUndefined();
  });

  it.each([
    ['prod', '[]', 1],
    ['prod', '["ops@example.com"]', 0],
    ['dev', '[]', 0],
  ])('the program run by preview (%s, alertEmails %s) logs %i warning(s)', async (env, emails, count) => {
    const warn = vi.spyOn(pulumi.log, 'warn').mockResolvedValue(undefined);
    await setupStackTest({ project: 'tradai-foundation', stack: env });
    const { Topics } = await import('./sns.js');
    await runInStack(async () => {
      new Topics('sns', { cfg: loadConfig(env, { alertEmails: emails }) });
      return {};
    });
    const about = warn.mock.calls.filter(([msg]) => String(msg).startsWith('tradai:alertEmails'));
    expect(about).toHaveLength(count);
  });
});
