import { Card, Descriptions, Empty, Space, Spin, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import type { CertificateStatus, TokenCertificate } from '../../shared/tokens';
import { onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { formatSnils } from '../format';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

export const certificateStatusTexts: Record<CertificateStatus, { text: string; color: string }> = {
  valid: { text: 'действителен', color: 'green' },
  expired: { text: 'истёк', color: 'red' },
  'not-yet-valid': { text: 'ещё не действует', color: 'orange' },
  'no-private-key': { text: 'нет закрытого ключа', color: 'default' },
  'key-usage': { text: 'не для подписи', color: 'default' },
};

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString('ru-RU');
}

/** One certificate as a card: what a person checks before choosing it. */
export function CertificateCard({ certificate }: { certificate: TokenCertificate }) {
  const status = certificateStatusTexts[certificate.status];
  const summary = certificate.summary;
  return (
    <Card
      size="small"
      title={summary.owner}
      extra={<Tag color={status.color}>{status.text}</Tag>}
      data-testid="certificate-card"
    >
      <Descriptions size="small" column={1}>
        <Descriptions.Item label="Организация">{summary.organization ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="СНИЛС">{formatSnils(summary.snils)}</Descriptions.Item>
        <Descriptions.Item label="Действует">
          {formatDate(summary.notBefore)} — {formatDate(summary.notAfter)}
          {summary.daysLeft >= 0 ? ` (осталось дней: ${summary.daysLeft})` : ''}
        </Descriptions.Item>
        <Descriptions.Item label="Издатель">{summary.issuer}</Descriptions.Item>
        <Descriptions.Item label="Алгоритм">
          {summary.keyAlgorithm}
          {summary.keySize !== undefined ? ` ${summary.keySize}` : ''}
          {summary.curve !== undefined ? ` (${summary.curve})` : ''}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** «Токены и сертификаты»: connected tokens and their certificates, live as tokens come and go. */
export function TokensPage() {
  const tr = useTr();
  const tokens = useApi('tokens:list', {});
  const certificates = useApi('certificates:list', {});
  const reloadCertificates = certificates.reload;
  const setTokens = tokens.setValue;
  useEffect(
    () =>
      onApiEvent('tokens:changed', (event) => {
        setTokens(event.tokens);
        // A new token brings its own certificates, so the list is asked again.
        reloadCertificates();
      }),
    [setTokens, reloadCertificates],
  );

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{tr('Токены и сертификаты', 'Tokens and certificates')}</Typography.Title>
      {tokens.error !== undefined && <ApiErrorAlert error={tokens.error} onRetry={tokens.reload} />}
      {tokens.loading && tokens.value === undefined && <Spin description={tr('Ищем токены…', 'Looking for tokens…')} />}
      {tokens.value !== undefined && tokens.value.length === 0 && (
        <Empty description={tr('Токен не найден. Вставьте токен или смарт-карту; список обновится сам.', 'No token found. Insert a token or smart card; the list updates by itself.')} />
      )}
      {tokens.value?.map((token) => {
        const own = certificates.value?.filter((certificate) => certificate.tokenSerial === token.serial) ?? [];
        return (
          <Card
            key={token.serial}
            title={token.label}
            data-testid="token-card"
            extra={
              <Space>
                {token.pinLocked && <Tag color="red">PIN заблокирован</Tag>}
                {token.pinFinalTry && <Tag color="orange">последняя попытка ввода PIN</Tag>}
                {!token.pinLocked && !token.pinFinalTry && <Tag color="green">готов</Tag>}
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">
              {token.manufacturer} · {token.model} · серийный номер {token.serial}
            </Typography.Paragraph>
            {certificates.error !== undefined && <ApiErrorAlert error={certificates.error} onRetry={certificates.reload} />}
            {certificates.value !== undefined && own.length === 0 && <Empty description="На токене нет сертификатов." />}
            <Space direction="vertical" style={{ width: '100%' }}>
              {own.map((certificate) => (
                <CertificateCard key={certificate.idHex + certificate.summary.serialHex} certificate={certificate} />
              ))}
            </Space>
          </Card>
        );
      })}
    </Space>
  );
}
