/**
 * A package: status timeline, the cabinet's remarks, registration number, decision documents, and
 * «Исправить и отправить повторно», which opens a new linked version as a draft.
 */
import { Alert, Button, Card, Descriptions, List, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { ErrorData } from '../../shared/errors';
import { callApi, onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { formatDateTime, formatSize, saveBase64, statusView } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

/** The package screen. */
export function PackageDetailsPage({ id }: { id: string }) {
  const tr = useTr();
  const { navigate, cabinet } = useSession();
  const details = useApi('packages:get', { id });
  const [error, setError] = useState<ErrorData | undefined>();
  const [busy, setBusy] = useState(false);
  const reload = details.reload;
  useEffect(() => onApiEvent('package:status', reload), [reload]);
  useEffect(() => onApiEvent('outbox:changed', reload), [reload]);
  if (details.error !== undefined) return <ApiErrorAlert error={details.error} onRetry={details.reload} />;
  if (details.value === undefined) return <Spin description={tr('Загружаем пакет…', 'Loading the package…')} />;
  const { package: record, history, versions, order } = details.value;
  const status = statusView(record.status);

  const download = async (name: string): Promise<void> => {
    if (record.orderId === undefined) return;
    setError(undefined);
    const file = await callApi('orders:file', { orderId: record.orderId, name });
    if (!file.ok) return setError(file.error);
    const bytes = await callApi('files:read', { fileId: file.value.fileId });
    if (!bytes.ok) return setError(bytes.error);
    saveBase64(bytes.value.name, bytes.value.mediaType, bytes.value.contentBase64);
  };
  const stampedCopy = async (): Promise<void> => {
    setError(undefined);
    const copy = await callApi('packages:stamped-copy', { id: record.id });
    if (!copy.ok) return setError(copy.error);
    const bytes = await callApi('files:read', { fileId: copy.value.fileId });
    if (!bytes.ok) return setError(bytes.error);
    saveBase64(bytes.value.name, bytes.value.mediaType, bytes.value.contentBase64);
  };
  const revise = async (): Promise<void> => {
    setBusy(true);
    const draft = await callApi('packages:revise', { id: record.id });
    setBusy(false);
    if (!draft.ok) return setError(draft.error);
    navigate({ section: 'wizard', draftId: draft.value.id });
  };
  const send = async (): Promise<void> => {
    if (record.filePath === undefined) return;
    setBusy(true);
    const result = await callApi('outbox:submit', { packageId: record.id, typeCode: record.typeCode, title: record.title });
    setBusy(false);
    if (!result.ok) setError(result.error);
    reload();
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Button type="link" onClick={() => navigate({ section: 'packages' })} style={{ padding: 0 }}>{tr('← Все пакеты', '← All packages')}</Button>
      <Space wrap align="center">
        <Typography.Title level={2} style={{ margin: 0 }}>{record.title}</Typography.Title>
        <Tag color={status.color} data-testid="package-status" style={{ fontSize: 14, padding: '2px 10px' }}>{status.text}</Tag>
      </Space>
      {error !== undefined && <ApiErrorAlert error={error} />}
      <Card>
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={tr('Регистрационный номер', 'Registration number')}>{record.registrationNumber ?? tr('ещё не присвоен', 'not assigned yet')}</Descriptions.Item>
          <Descriptions.Item label={tr('Версия', 'Version')}>{record.version}{record.replacesPackageId !== undefined ? ' (исправление)' : ''}</Descriptions.Item>
          <Descriptions.Item label={tr('Создан', 'Created')}>{formatDateTime(record.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={tr('Изменён', 'Changed')}>{formatDateTime(record.updatedAt)}</Descriptions.Item>
          <Descriptions.Item label={tr('Файл пакета', 'Package file')} span={2}>
            <Typography.Text copyable>{record.filePath ?? '—'}</Typography.Text>
          </Descriptions.Item>
        </Descriptions>
        <Space style={{ marginTop: 12 }} wrap>
          {record.filePath !== undefined && <Button onClick={() => void stampedCopy()}>{tr('Печатная копия с отметкой о подписи', 'Printable copy with the signature mark')}</Button>}
          {record.status === 'signed' && (
            <Button type="primary" loading={busy} onClick={() => void send()} disabled={(cabinet?.organisation ?? cabinet?.offlineOrganisation) === undefined}>{tr('Отправить в кабинет', 'Send to the cabinet')}</Button>
          )}
          {(record.status === 'needs-rework' || record.status === 'rejected') && (
            <Button type="primary" loading={busy} onClick={() => void revise()}>{tr('Исправить и отправить повторно', 'Correct and send again')}</Button>
          )}
        </Space>
      </Card>
      {order !== undefined && order.remarks.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={tr('Замечания кабинета', 'The cabinet\'s remarks')}
          description={
            <ul data-testid="remarks">
              {order.remarks.map((remark) => (
                <li key={remark.text}>{remark.document !== undefined ? `${remark.document}: ` : ''}{remark.text}</li>
              ))}
            </ul>
          }
        />
      )}
      {order !== undefined && order.files.length > 0 && (
        <Card title={tr('Документы решения', 'Decision documents')}>
          <List
            dataSource={order.files}
            renderItem={(file) => (
              <List.Item actions={[<Button key="download" onClick={() => void download(file.name)} aria-label={`Скачать ${file.name}`}>{tr('Скачать', 'Download')}</Button>]}>
                <List.Item.Meta title={file.name} description={formatSize(file.size)} />
              </List.Item>
            )}
          />
        </Card>
      )}
      <Card title={tr('Ход рассмотрения', 'Progress')}>
        <Timeline
          data-testid="timeline"
          items={history.map((item) => ({
            color: statusView(item.status).color === 'red' ? 'red' : statusView(item.status).color === 'green' ? 'green' : 'blue',
            children: (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{statusView(item.status).text}</Typography.Text>
                <Typography.Text type="secondary">{formatDateTime(item.at)}</Typography.Text>
                {item.remark !== undefined && <Typography.Text>{item.remark}</Typography.Text>}
              </Space>
            ),
          }))}
        />
      </Card>
      {versions.length > 1 && (
        <Card title={tr('Версии', 'Versions')}>
          <List
            dataSource={versions}
            renderItem={(version) => (
              <List.Item onClick={() => navigate({ section: 'package', packageId: version.id })} style={{ cursor: 'pointer' }}>
                <List.Item.Meta title={`Версия ${version.version}${version.id === record.id ? ' (эта)' : ''}`} description={formatDateTime(version.createdAt)} />
                <Tag color={statusView(version.status).color}>{statusView(version.status).text}</Tag>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );
}
