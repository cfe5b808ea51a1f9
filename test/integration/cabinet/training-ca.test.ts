import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CabinetService } from '../../../src/main/services/cabinet-service';
import { LocalTokenService } from '../../../src/main/token/token-service';
import { startStand } from '../../../src/stand/server';
import { TokenFactory } from '../../fixtures/softhsm';

describe('the training CA and demo tokens', () => {
  it('makes a demo token whose certificate logs in to the stand as the demo person', async () => {
    const factory = await TokenFactory.create();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'nedradesk-training-ca-'));
    const made = spawnSync(process.execPath, ['--import', 'tsx', path.join(process.cwd(), 'src/stand/stand.ts'), 'demo-token', '--person', '1000003', '--label', 'Учебный токен', '--stand-dir', dataDir, '--module', factory.module], {
      env: { ...process.env, SOFTHSM2_CONF: factory.confPath, NEDRADESK_DEMO_PIN: '246802' },
      encoding: 'utf8',
    });
    expect(made.stderr).toBe('');
    expect(made.stdout).toContain('Учебный токен «Учебный токен» создан');
    process.env.SOFTHSM2_CONF = factory.confPath;
    const tokens = LocalTokenService.open({ explicit: factory.module });
    const certificates = await tokens.listCertificates();
    const person = certificates.find((item) => item.idHex === '01');
    expect(person?.summary.owner).toBe('Сидоров Алексей Викторович');
    expect(person?.summary.snils).toBe('98765432183');
    expect(person?.summary.innLe).toBe('1101012340');
    expect(person?.status).toBe('valid');
    const stand = await startStand({ dataDir, log: () => undefined });
    const cabinet = new CabinetService({ dataDir: path.join(dataDir, 'app'), startStand: async () => ({ url: stand.url, close: async () => undefined }) });
    const signer = await tokens.openSigner({ certificate: 'id:01', pin: Buffer.from('246802') });
    try {
      expect(signer.chain).toHaveLength(1); // the training CA, kept on the token
      const state = await cabinet.loginWithSignature(signer);
      expect(state.person?.surname).toBe('Сидоров');
      expect(state.organisation?.role).toBe('head');
    } finally {
      await signer.close();
      await cabinet.close();
      await stand.close();
      await tokens.close();
    }
  });
});
