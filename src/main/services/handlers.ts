import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ApiEventName, ApiEvents, ApiHandlers, AppInfo, AttachedFileRef, DiagnosticCheck } from '../../shared/api';
import type { FormData } from '../../shared/catalog-types';
import { AppError } from '../../shared/errors';
import { catalog } from '../core/catalog/catalog';
import { fileError } from '../core/crypto/digest';
import type { AttachedFile } from '../core/forms/validate-files';
import { inspectDocument } from '../core/documents/inspect-document';
import { writeFileAtomic } from '../core/files/atomic-write';
import { makePrivateFolder, privateFileMode } from '../core/files/private-files';
import { validateFormFiles } from '../core/forms/validate-files';
import { safeEntryName } from '../core/packages/container';
import { inspectPackage } from '../core/packages/inspect';
import { renderVerificationPdf } from '../core/reports/verification-pdf';
import type { TokenService } from '../token/token-service';
import { pinBytes } from '../token/pin-bytes';
import { buildApplicationPackage, renderForm } from './application-service';
import type { CabinetService } from './cabinet-service';
import type { JournalService } from './journal-service';
import { createLocalHandlers, withJournal } from './local-handlers';
import { mediaTypeOf } from './data-files';
import { FileHandles } from './file-handles';
import { makeStampedCopy } from './printable-copy';
import type { PackageRecords } from './package-records';
import { signFiles, verifySignatureFile } from './signatures';

/** What the shell tells the services about where they run, and what it gives them. */
export interface ServiceContext {
  mode: AppInfo['mode'];
  version: string;
  /** The token service (a supervised token process in the app); absent where none could start. */
  tokens?: TokenService | undefined;
  /** The cabinet connection and outbox; absent in contexts that have no data folder. */
  cabinet?: CabinetService | undefined;
  /** The user data folder. */
  dataDir?: string | undefined;
  /** Trust anchors (DER) for signature checks: the training CA and what the user imported. */
  trustAnchors?: () => Promise<Uint8Array[]>;
  /** Pushes an event to the UI. */
  emit?: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;
  /** Packages and drafts in the local database. */
  records?: PackageRecords | undefined;
  /** The journal of what the user did. */
  journal?: JournalService | undefined;
  /** Content-addressed document storage of the local database (attachments, dropped files). */
  storeDocument?: ((bytes: Uint8Array, meta: { originalName: string; mediaType: string }) => Promise<{ path: string }>) | undefined;
  /** The handles the UI names files by (one per data folder; made here over the data folder when absent). */
  files?: FileHandles | undefined;
}

async function readAll(paths: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(
    paths.map((file) =>
      readFile(file).catch((error: unknown) => {
        throw fileError(error, file);
      }),
    ),
  );
}

/** Builds the implementation of every call of the API contract. */
export function createHandlers(context: ServiceContext): ApiHandlers {
  const tokens = (): TokenService => {
    if (context.tokens === undefined) throw new AppError('MODULE_NOT_FOUND');
    return context.tokens;
  };
  const cabinet = (): CabinetService => {
    if (context.cabinet === undefined) throw new AppError('CABINET_UNREACHABLE', { reason: 'no cabinet service here' });
    return context.cabinet;
  };
  const dataDir = (): string => {
    if (context.dataDir === undefined) throw new AppError('INTERNAL_ERROR', { reason: 'no data folder' });
    return context.dataDir;
  };
  let handles = context.files;
  const files = (): FileHandles => {
    handles ??= new FileHandles(dataDir());
    return handles;
  };
  // Attached documents arrive as handles of staged files; the services read them by path.
  const attachments = (list: readonly AttachedFileRef[]): AttachedFile[] =>
    list.map((file) => {
      const staged = files().resolve(file.fileId, 'staged');
      return { role: file.role, path: staged.path, fileName: file.fileName ?? staged.name, ...(file.documentDate === undefined ? {} : { documentDate: file.documentDate }) };
    });
  // Long operations the UI may cancel, by operation id; each checks its signal at safe points.
  const running = new Map<string, AbortController>();
  const cancellable = async <T>(operationId: string | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> => {
    if (operationId === undefined) return work(undefined);
    const controller = new AbortController();
    running.set(operationId, controller);
    try {
      return await work(controller.signal);
    } finally {
      running.delete(operationId);
    }
  };
  const progress = (operationId: string | undefined, stage: string) =>
    operationId === undefined || context.emit === undefined
      ? undefined
      : (value: { done: number; total: number }) => context.emit?.('progress', { operationId, stage, done: value.done, total: value.total });
  // The live organisation when logged in, else the one remembered from the last login (offline work).
  const organisationRequisites = () => {
    const organisation = context.cabinet?.workingOrganisation();
    if (organisation === undefined) throw new AppError('ORGANISATION_NOT_CHOSEN');
    return { name: organisation.fullName, inn: organisation.inn, ogrn: organisation.ogrn, address: organisation.address };
  };
  const generator = `NedraDesk ${context.version}`;

  return withJournal(
    {
      ...createLocalHandlers({ ...context, fileHandles: files }),
      'packages:stamped-copy': async (input) => {
        const record = context.records?.get(input.id);
        const packagePath = record?.filePath ?? undefined;
        if (record === undefined || packagePath === undefined) throw new AppError('PACKAGE_NOT_FOUND', { id: input.id });
        const copy = await makeStampedCopy({ packagePath, packageId: record.id, dataDir: dataDir(), trustAnchors: (await context.trustAnchors?.()) ?? [] });
        return { fileId: files().output(copy.path), name: path.basename(copy.path) };
      },
      'app:info': async () => ({ name: 'NedraDesk', version: context.version, mode: context.mode, platform: process.platform }),
      'tokens:list': () => tokens().listTokens(),
      'certificates:list': (input) => tokens().listCertificates({ token: input.token }),
      'signatures:sign': async (input) => {
        // Staged files are signed; each signature goes into the data folder under the file's shown name.
        const staged = input.files.map((id) => files().resolve(id, 'staged'));
        const folder = path.join(dataDir(), 'signatures', randomUUID());
        const signer = await tokens().openSigner({ certificate: input.certificate, token: input.token, pin: pinBytes(input.pin), sessions: Math.min(input.files.length, availableParallelism()) });
        // An interrupted batch names its files by the handles the caller gave, never by path.
        const byHandle = (error: unknown): never => {
          const details = error instanceof AppError ? error.details : undefined;
          if (!(error instanceof AppError) || !Array.isArray(details?.signed) || !Array.isArray(details.notSigned)) throw error;
          const handleOf = (file: unknown): string => input.files[staged.findIndex((item) => item.path === file)] ?? '';
          throw new AppError(error.code, { signed: details.signed.map(handleOf), notSigned: details.notSigned.map(handleOf) }, { message: error.message, cause: error });
        };
        try {
          const report = progress(input.operationId, 'sign');
          const signed = await cancellable(input.operationId, (signal) =>
            signFiles({
              files: staged.map((file) => file.path),
              signer,
              attached: input.attached === true,
              pem: input.pem === true,
              signaturePathOf: (_file, index) => path.join(folder, String(index), `${safeEntryName(staged[index]?.name ?? 'document')}.sig`),
              ...(signal ? { signal } : {}),
              ...(report ? { onProgress: (value) => report({ done: value.index * 1000 + Math.round((value.total === 0 ? 1 : value.done / value.total) * 1000), total: value.count * 1000 }) } : {}),
            }),
          ).catch(byHandle);
          return signed.map((file, index) => ({
            fileId: input.files[index] as string,
            name: staged[index]?.name ?? path.basename(file.file),
            signatureFileId: files().output(file.signaturePath),
            signatureName: path.basename(file.signaturePath),
            size: file.size,
            sha256: file.sha256,
          }));
        } finally {
          await signer.close();
        }
      },
      'signatures:verify': async (input) => {
        const signature = files().resolve(input.signatureFileId);
        const content = input.contentFileId === undefined ? undefined : files().resolve(input.contentFileId);
        const stagedPaths = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => files().resolve(id, 'staged').path);
        const anchors = [...(await readAll(stagedPaths(input.trustAnchorFileIds))), ...((await context.trustAnchors?.()) ?? [])];
        const onProgress = progress(input.operationId, 'verify');
        // The content is the one named or none (then the signature must carry it): never a file found next to the signature.
        const { contentPath: _verifiedPath, ...report } = await verifySignatureFile({
          signaturePath: signature.path,
          contentPath: content?.path,
          findContent: false,
          trustAnchors: anchors,
          crls: await readAll(stagedPaths(input.crlFileIds)),
          requireRevocation: input.requireRevocation === true,
          ...(onProgress ? { onProgress } : {}),
        });
        const answer = { ...report, signatureName: signature.name, contentName: content?.name };
        if (input.pdfReport !== true) return answer;
        // The report is written into the data folder only; the UI saves it where the user chooses.
        const reportPath = path.join(dataDir(), 'reports', randomUUID(), 'Протокол проверки подписи.pdf');
        const pdf = await renderVerificationPdf({ report, documentName: content?.name, signatureName: signature.name, generator });
        await makePrivateFolder(path.dirname(reportPath));
        await writeFileAtomic(reportPath, pdf, { mode: privateFileMode });
        return { ...answer, pdfReportFileId: files().output(reportPath) };
      },
      'files:stage': async (input) => {
        const bytes = Buffer.from(input.contentBase64, 'base64');
        // Kept by content in the local database's document store: the same scan dropped twice is stored
        // once, and a draft's attachments outlive the session. The name travels separately (fileName).
        // The UI gets a handle, never the path.
        if (context.storeDocument !== undefined) {
          const stored = await context.storeDocument(bytes, { originalName: input.name, mediaType: mediaTypeOf(input.name) });
          return { fileId: files().staged(stored.path, input.name), name: input.name };
        }
        const directory = path.join(dataDir(), 'staged', randomUUID());
        await makePrivateFolder(directory);
        const target = path.join(directory, safeEntryName(input.name));
        await writeFileAtomic(target, bytes, { mode: privateFileMode });
        return { fileId: files().staged(target, input.name), name: input.name };
      },
      'catalog:list': async () => [...catalog],
      'documents:inspect': async (input) => {
        const staged = files().resolve(input.fileId, 'staged');
        return inspectDocument(staged.path, input.fileName ?? staged.name);
      },
      'forms:validate': async (input) => validateFormFiles(input.typeCode, input.data as FormData, attachments(input.files)),
      'forms:render': async (input) => {
        const rendered = await renderForm({ typeCode: input.typeCode, data: input.data as FormData, files: attachments(input.files), organisation: organisationRequisites() }, path.join(dataDir(), 'renders', randomUUID()), new Date(), generator);
        return { pdfFileId: files().output(rendered.pdfPath), xmlFileId: files().output(rendered.xmlPath) };
      },
      'packages:build': async (input) => {
        const organisation = organisationRequisites();
        // A correction of a package this computer does not know is refused before the PIN is used.
        if (input.replacesPackageId !== undefined) context.records?.get(input.replacesPackageId);
        const documents = attachments(input.files);
        const signer = await tokens().openSigner({ certificate: input.certificate, token: input.token, pin: pinBytes(input.pin) });
        try {
          const onProgress = progress(input.operationId, 'build');
          const built = await cancellable(input.operationId, (signal) =>
            buildApplicationPackage({
              typeCode: input.typeCode,
              title: input.title,
              data: input.data as FormData,
              files: documents,
              organisation,
              signer,
              dataDir: dataDir(),
              generator,
              ...(onProgress ? { onProgress } : {}),
              ...(signal ? { signal } : {}),
            }),
          );
          const packageId = built.manifest.packageId;
          context.records?.recordBuilt({ packageId, packagePath: built.packagePath, typeCode: input.typeCode, title: input.title ?? built.manifest.title ?? catalog.find((entry) => entry.code === input.typeCode)?.title ?? input.typeCode, data: input.data, files: input.files, replacesPackageId: input.replacesPackageId, draftId: input.draftId });
          return { packageId, fileId: files().output(built.packagePath), manifest: built.manifest };
        } finally {
          await signer.close();
        }
      },
      'operations:cancel': async (input) => {
        running.get(input.operationId)?.abort();
        return null;
      },
      'packages:inspect': async (input) => inspectPackage(files().resolve(input.fileId).path, { trustAnchors: (await context.trustAnchors?.()) ?? [] }),
      'cabinet:state': async () => cabinet().state(),
      'cabinet:set-profile': (input) => cabinet().setProfile({ kind: input.kind, url: input.url }),
      'cabinet:login-statement': () => cabinet().prepareSignatureLogin(),
      'cabinet:login-signature': async (input) => {
        const signer = await tokens().openSigner({ certificate: input.certificate, token: input.token, pin: pinBytes(input.pin) });
        try {
          return await cabinet().loginWithSignature(signer, input.challengeId);
        } finally {
          await signer.close();
        }
      },
      'cabinet:login-password-start': () => cabinet().startPasswordLogin(),
      'cabinet:login-password-finish': () => cabinet().finishPasswordLogin(),
      'cabinet:choose-organisation': async (input) => cabinet().chooseOrganisation(input.organisationOid),
      'cabinet:logout': () => cabinet().logout(),
      'outbox:submit': async (input) => {
        const service = cabinet();
        // Without a session the package is queued for the remembered organisation; it goes out after the next login to it.
        const organisation = service.workingOrganisation();
        if (organisation === undefined) throw new AppError('ORGANISATION_NOT_CHOSEN');
        // Main knows where the package it built lies; the UI names it by id only.
        const packagePath = context.records?.get(input.packageId).filePath ?? undefined;
        if (packagePath === undefined) throw new AppError('PACKAGE_NOT_FOUND', { id: input.packageId });
        // The idempotency key is the package's own id: inspect the file to be sent.
        const report = await inspectPackage(packagePath);
        if (report.manifest === undefined) throw new AppError('INVALID_FILES_STRUCTURE', { problems: report.problems.map((problem) => problem.code) });
        const packageId = report.manifest.packageId;
        if (packageId !== input.packageId) throw new AppError('INVALID_FILES_STRUCTURE', { reason: 'the package file names another package', id: input.packageId });
        // A package speaks for the organisation it was signed for: sending it in another's name is refused.
        if (report.manifest.organisation.inn !== organisation.inn) {
          throw new AppError('ORGANISATION_MISMATCH', { packageInn: report.manifest.organisation.inn, chosenInn: organisation.inn }, {
            message: `Пакет подготовлен для организации ${report.manifest.organisation.name === undefined ? '' : `${report.manifest.organisation.name} `}(ИНН ${report.manifest.organisation.inn}), а выбрана ${organisation.fullName} (ИНН ${organisation.inn}). Выберите организацию пакета и отправьте его снова.`,
          });
        }
        // The row says «В очереди» before the outbox may send it and report «Отправлен».
        context.records?.markQueued({ packageId, packagePath, typeCode: input.typeCode, title: input.title });
        return service.outbox.submit({ packagePath, packageId, typeCode: input.typeCode, title: input.title, organisationOid: organisation.organisationOid, trainingOutcome: input.trainingOutcome });
      },
      'outbox:list': async () => cabinet().outbox.list(),
      'orders:list': () => cabinet().listOrders(),
      'orders:file': async (input) => {
        const bytes = await cabinet().requireClient().file(input.orderId, input.name);
        const directory = path.join(dataDir(), 'decisions', safeEntryName(input.orderId));
        await makePrivateFolder(directory);
        const target = path.join(directory, safeEntryName(input.name));
        await writeFileAtomic(target, bytes, { mode: privateFileMode });
        return { fileId: files().output(target), name: path.basename(target) };
      },
      // Live and kept; without a session or network, the copy kept for the working organisation.
      'licenses:list': () => cabinet().list('licenses'),
      'deadlines:list': () => cabinet().list('deadlines'),
      'notifications:list': () => cabinet().list('notifications'),
      'notifications:read': async (input) => {
        await cabinet().markNotificationRead(input.id);
        return null;
      },
      'diagnostics:run': async () => {
        const checks: DiagnosticCheck[] = [];
        try {
          const list = await tokens().listTokens();
          checks.push(
            list.length > 0
              ? { id: 'tokens', title: 'Токены', status: 'ok', detail: list.map((token) => `${token.label} (${token.manufacturer}, № ${token.serial})`).join('; '), fix: undefined }
              : { id: 'tokens', title: 'Токены', status: 'warning', detail: 'Токен не найден.', fix: 'Вставьте токен или смарт-карту; если он вставлен — переподключите его в другой USB-порт.' },
          );
          for (const token of list) {
            if (token.pinLocked) checks.push({ id: `pin-${token.serial}`, title: `PIN-код токена ${token.label}`, status: 'error', detail: 'PIN-код заблокирован.', fix: 'Разблокируйте PIN-код PIN-кодом администратора или обратитесь в удостоверяющий центр.' });
            else if (token.pinFinalTry || token.pinCountLow) checks.push({ id: `pin-${token.serial}`, title: `PIN-код токена ${token.label}`, status: 'warning', detail: token.pinFinalTry ? 'Осталась последняя попытка ввода PIN-кода.' : 'Были неверные попытки ввода PIN-кода.', fix: 'Вводите PIN-код внимательно: проверьте раскладку и Caps Lock.' });
          }
          const certificates = await tokens().listCertificates();
          // A token with nothing to sign with (a half-made one, or one whose key was deleted) is
          // listed like any other: it is named here with what to do, not left to fail at the PIN.
          for (const token of list) {
            const own = certificates.filter((certificate) => certificate.tokenSerial === token.serial);
            if (own.some((certificate) => certificate.hasPrivateKey)) continue;
            checks.push({
              id: `token-keys-${token.serial}`,
              title: `Токен ${token.label}`,
              status: 'error',
              detail: own.length === 0 ? 'На токене нет ни сертификата, ни закрытого ключа: подписать им нельзя.' : 'На токене есть сертификат, но нет закрытого ключа к нему: подписать им нельзя.',
              fix: 'Запишите ключ и сертификат на токен в удостоверяющем центре или вставьте другой токен; учебный токен создайте заново: npm run stand -- demo-token.',
            });
          }
          for (const certificate of certificates) {
            const summary = certificate.summary;
            const base = { id: `cert-${summary.sha1}`, title: `Сертификат: ${summary.owner}` };
            if (certificate.status === 'valid' && summary.daysLeft > 30) checks.push({ ...base, status: 'ok', detail: `Действует до ${summary.notAfter.slice(0, 10)} (осталось дней: ${summary.daysLeft}).`, fix: undefined });
            else if (certificate.status === 'valid') checks.push({ ...base, status: 'warning', detail: `Срок действия заканчивается через ${summary.daysLeft} дн.`, fix: 'Закажите новый сертификат в удостоверяющем центре заранее.' });
            else {
              const fixes = { expired: 'Получите новый сертификат в удостоверяющем центре.', 'not-yet-valid': 'Проверьте дату и время на компьютере.', 'no-private-key': 'Используйте токен, на котором записан закрытый ключ этого сертификата.', 'key-usage': 'Получите сертификат для электронной подписи.', valid: '' } as const;
              const details = { expired: 'Срок действия истёк.', 'not-yet-valid': 'Ещё не начал действовать.', 'no-private-key': 'На токене нет закрытого ключа.', 'key-usage': 'Назначение ключа не допускает подпись.', valid: '' } as const;
              checks.push({ ...base, status: 'error', detail: details[certificate.status], fix: fixes[certificate.status] });
            }
          }
        } catch (error) {
          const appError = error instanceof AppError ? error : new AppError('INTERNAL_ERROR');
          checks.push({ id: 'module', title: 'Библиотека PKCS#11', status: 'error', detail: appError.message, fix: 'Установите драйвер токена (Рутокен, JaCarta, eToken) или укажите путь к библиотеке в настройках.' });
        }
        if (context.cabinet !== undefined) {
          try {
            const started = Date.now();
            const base = await context.cabinet.baseUrl();
            const response = await fetch(new URL('/health', base), { signal: AbortSignal.timeout(5_000) });
            const body = (await response.json()) as { time?: string };
            const skewSeconds = body.time === undefined ? 0 : Math.round((Date.parse(body.time) - (started + Date.now()) / 2) / 1000);
            checks.push({ id: 'cabinet', title: 'Личный кабинет', status: 'ok', detail: `Доступен: ${base} (ответ за ${Date.now() - started} мс).`, fix: undefined });
            checks.push(
              Math.abs(skewSeconds) <= 120
                ? { id: 'clock', title: 'Часы компьютера', status: 'ok', detail: `Расхождение с кабинетом: ${skewSeconds} с.`, fix: undefined }
                : { id: 'clock', title: 'Часы компьютера', status: 'error', detail: `Часы расходятся с кабинетом на ${skewSeconds} с.`, fix: 'Включите синхронизацию времени в настройках системы: подпись с неверным временем может быть отклонена.' },
            );
          } catch (error) {
            checks.push({ id: 'cabinet', title: 'Личный кабинет', status: 'error', detail: error instanceof AppError ? error.message : 'Кабинет не отвечает.', fix: 'Проверьте подключение к интернету и адрес кабинета в настройках; пакеты подождут в исходящих.' });
          }
        }
        const generatedAt = new Date().toISOString();
        const text = [`NedraDesk ${context.version}, ${process.platform}, проверка ${generatedAt}`, ...checks.map((check) => `[${check.status.toUpperCase()}] ${check.title}: ${check.detail}${check.fix ? ` — ${check.fix}` : ''}`)].join('\n');
        return { generatedAt, checks, text };
      },
    },
    context.journal,
  );
}

