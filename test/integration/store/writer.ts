/**
 * Crash-test writer: opens the database and, in a loop, autosaves a draft and moves a package
 * through statuses, printing each change only after its transaction committed. The test kills
 * this process with SIGKILL at random moments.
 */
import { randomUUID } from 'node:crypto';
import { changePackageStatus, insertPackage, saveDraft } from '../../../src/main/store/repositories';
import { openStore } from '../../../src/main/store/database';

const dataDir = process.argv[2] as string;
const database = openStore({ dataDir });
const statuses = ['signed', 'queued', 'sent', 'accepted', 'processing', 'approved'] as const;
process.stdout.write('ready\n');
for (let step = 0; ; step += 1) {
  const draftId = `draft-${step % 7}`;
  saveDraft(database, { id: draftId, organisationOid: null, typeCode: 'report.extraction', title: 'Черновик', formData: { step }, attachments: [] });
  process.stdout.write(`draft ${draftId} ${step}\n`);
  const packageId = randomUUID();
  insertPackage(database, { id: packageId, organisationOid: null, typeCode: 'report.extraction', title: `Пакет ${step}`, status: 'draft', filePath: null });
  for (const status of statuses) {
    changePackageStatus(database, packageId, status);
    process.stdout.write(`package ${packageId} ${status}\n`);
  }
}
