/**
 * Choosing who signs: the certificates on the connected tokens as cards (owner, organisation,
 * validity), then the PIN. The PIN lives in this component's state only until the call that needs
 * it is made; it is never stored or logged.
 */
import { Alert, Card, Empty, Input, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import type { ErrorData } from '../../shared/errors';
import type { TokenCertificate } from '../../shared/tokens';
import { onApiEvent } from '../api/client';
import { formatDate } from '../format';
import { certificateStatusTexts } from '../pages/TokensPage';
import { useApi } from '../useApi';
import { ApiErrorAlert } from './ApiErrorAlert';
import { useTr } from '../i18n/locale';

/** The certificate chosen and the PIN typed. */
export interface SignerChoice {
  certificate: string;
  token: string;
  pin: string;
}

interface SignerPickerProps {
  value: Partial<SignerChoice>;
  onChange: (value: Partial<SignerChoice>) => void;
  /** Submits on Enter in the PIN field. */
  onSubmit?: () => void;
  /** Changes after a failed attempt: the token's PIN counters are read again. */
  attempt?: number;
}

/** Whether a certificate can be used to sign right now. */
export function usable(certificate: TokenCertificate): boolean {
  return certificate.status === 'valid';
}

/** Certificate cards and the PIN field. */
export function SignerPicker({ value, onChange, onSubmit, attempt }: SignerPickerProps) {
  const tr = useTr();
  const certificates = useApi('certificates:list', {});
  const tokens = useApi('tokens:list', {});
  const reloadCertificates = certificates.reload;
  const reloadTokens = tokens.reload;
  useEffect(
    () =>
      onApiEvent('tokens:changed', () => {
        reloadCertificates();
        reloadTokens();
      }),
    [reloadCertificates, reloadTokens],
  );
  useEffect(() => {
    if (attempt !== undefined && attempt > 0) reloadTokens();
  }, [attempt, reloadTokens]);
  // Certificates without a private key on the token (CA certificates kept there) cannot sign: not offered.
  const list = (certificates.value ?? []).filter((certificate) => certificate.hasPrivateKey);
  const chosen = list.find((certificate) => certificate.summary.sha256 === value.certificate);
  const token = tokens.value?.find((candidate) => candidate.serial === chosen?.tokenSerial);

  // One usable certificate is chosen for the user.
  const only = list.filter(usable);
  useEffect(() => {
    if (value.certificate === undefined && only.length === 1 && only[0] !== undefined) onChange({ ...value, certificate: only[0].summary.sha256, token: only[0].tokenSerial });
  }, [only, value, onChange]);

  if (certificates.error !== undefined) return <ApiErrorAlert error={certificates.error} onRetry={certificates.reload} />;
  if (certificates.loading && certificates.value === undefined) return <Spin description={tr('Ищем сертификаты на токенах…', 'Looking for certificates on the tokens…')} />;
  if (list.length === 0) return <Empty description="Сертификаты не найдены. Вставьте токен или смарт-карту с сертификатом; список обновится сам." />;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Radio.Group value={value.certificate} onChange={(event) => {
        const picked = list.find((certificate) => certificate.summary.sha256 === event.target.value);
        onChange({ ...value, certificate: picked?.summary.sha256, token: picked?.tokenSerial });
      }} style={{ width: '100%' }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          {list.map((certificate) => {
            const status = certificateStatusTexts[certificate.status];
            const summary = certificate.summary;
            return (
              <Card key={certificate.tokenSerial + summary.sha256} size="small" data-testid="signer-card" className={value.certificate === summary.sha256 ? 'card-chosen' : undefined}>
                <Radio value={summary.sha256} disabled={!usable(certificate)} aria-label={`${summary.owner}, ${summary.organization ?? 'физическое лицо'}`}>
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong>{summary.owner}</Typography.Text>
                    <Typography.Text type="secondary">{summary.organization ?? 'Физическое лицо'}{summary.title ? ` · ${summary.title}` : ''}</Typography.Text>
                    <Typography.Text type="secondary">
                      Действует с {formatDate(summary.notBefore)} по {formatDate(summary.notAfter)} · токен «{certificate.tokenLabel}»
                    </Typography.Text>
                  </Space>
                </Radio>
                <Tag color={status.color} style={{ float: 'right' }}>{status.text}</Tag>
              </Card>
            );
          })}
        </Space>
      </Radio.Group>
      {token?.pinLocked === true && <Alert type="error" showIcon title="PIN-код этого токена заблокирован." description="Разблокируйте его PIN-кодом администратора или обратитесь в удостоверяющий центр." />}
      {token?.pinFinalTry === true && <Alert type="warning" showIcon title="Осталась последняя попытка ввода PIN-кода." description="После ещё одной ошибки токен заблокируется. Проверьте раскладку и Caps Lock." />}
      {token?.pinCountLow === true && token.pinFinalTry !== true && <Alert type="warning" showIcon title="Были неверные попытки ввода PIN-кода." description="Вводите PIN-код внимательно: число попыток ограничено." />}
      <Space direction="vertical" size={4}>
        <Typography.Text>{tr('PIN-код токена', 'Token PIN')}</Typography.Text>
        <Input.Password
          aria-label="PIN-код токена"
          autoComplete="off"
          value={value.pin ?? ''}
          disabled={chosen === undefined || token?.pinLocked === true}
          onChange={(event) => onChange({ ...value, pin: event.target.value })}
          onPressEnter={onSubmit}
          maxLength={64}
          style={{ width: 280 }}
        />
      </Space>
    </Space>
  );
}

/** A wrong PIN told with the warning that attempts are limited; any other error as it came. */
export function withPinAdvice(error: ErrorData): ErrorData {
  if (error.code !== 'PIN_INCORRECT') return error;
  return { ...error, message: 'Неверный PIN-код. Число попыток ограничено: после нескольких ошибок токен заблокируется. Проверьте раскладку клавиатуры и Caps Lock.' };
}
