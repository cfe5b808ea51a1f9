import { readFile } from 'node:fs/promises';
import type { ApiEventName, ApiEvents, ApiHandlers, AppInfo } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { fileError } from '../core/crypto/digest';
import { writeFileAtomic } from '../core/files/atomic-write';
import { renderVerificationPdf } from '../core/reports/verification-pdf';
import type { TokenService } from '../token/token-service';
import { signFiles, verifySignatureFile } from './signatures';

/** What the shell tells the services about where they run, and what it gives them. */
export interface ServiceContext {
  mode: AppInfo['mode'];
  version: string;
  /** The token service (a supervised token process in the app); absent where none could start. */
  tokens?: TokenService | undefined;
  /** Pushes an event to the UI. */
  emit?: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;
}

async function readAll(paths: readonly string[] | undefined): Promise<Uint8Array[]> {
  return Promise.all(
    (paths ?? []).map((file) =>
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
  const progress = (operationId: string | undefined, stage: string) =>
    operationId === undefined || context.emit === undefined
      ? undefined
      : (value: { done: number; total: number }) => context.emit?.('progress', { operationId, stage, done: value.done, total: value.total });
  return {
    'app:info': async () => ({
      name: 'NedraDesk',
      version: context.version,
      mode: context.mode,
      platform: process.platform,
    }),
    'tokens:list': () => tokens().listTokens(),
    'certificates:list': (input) => tokens().listCertificates({ token: input.token }),
    'signatures:sign': async (input) => {
      const signer = await tokens().openSigner({
        certificate: input.certificate,
        token: input.token,
        pin: new Uint8Array(Buffer.from(input.pin, 'utf8')),
        sessions: Math.min(input.files.length, 4),
      });
      try {
        const report = progress(input.operationId, 'sign');
        return await signFiles({
          files: input.files,
          signer,
          attached: input.attached === true,
          pem: input.pem === true,
          outDir: input.outDir,
          ...(report ? { onProgress: (value) => report({ done: value.index * 1000 + Math.round((value.total === 0 ? 1 : value.done / value.total) * 1000), total: value.count * 1000 }) } : {}),
        });
      } finally {
        await signer.close();
      }
    },
    'signatures:verify': async (input) => {
      const report = await verifySignatureFile({
        signaturePath: input.signaturePath,
        contentPath: input.contentPath,
        trustAnchors: await readAll(input.trustAnchorPaths),
        crls: await readAll(input.crlPaths),
        requireRevocation: input.requireRevocation === true,
        ...(progress(input.operationId, 'verify') ? { onProgress: progress(input.operationId, 'verify') } : {}),
      });
      if (input.pdfReportPath !== undefined) {
        const pdf = await renderVerificationPdf({ report, documentName: report.contentPath, signatureName: input.signaturePath, generator: `NedraDesk ${context.version}` });
        await writeFileAtomic(input.pdfReportPath, pdf);
      }
      return report;
    },
  };
}
