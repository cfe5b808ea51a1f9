/** «Исходящие»: packages waiting to be sent, being sent, refused with a reason, or delivered. */
import { Alert, List, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { OutboxLine } from '../components/OutboxLine';
import { useTr } from '../i18n/locale';

/** The outbox. */
export function OutboxPage() {
  const tr = useTr();
  const { cabinet } = useSession();
  const outbox = useApi('outbox:list', {});
  const setValue = outbox.setValue;
  useEffect(() => onApiEvent('outbox:changed', (event) => setValue(event.items)), [setValue]);
  const items = [...(outbox.value ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{tr('Исходящие', 'Outbox')}</Typography.Title>
      {cabinet?.organisation === undefined && items.some((item) => item.state === 'waiting') && (
        <Alert type="info" showIcon title={tr('Пакеты ждут входа в кабинет', 'Packages wait for a login to the cabinet')} description={tr('Войдите и выберите организацию — исходящие уйдут сами.', 'Log in and choose the organisation: the outbox sends by itself.')} />
      )}
      {outbox.error !== undefined && <ApiErrorAlert error={outbox.error} onRetry={outbox.reload} />}
      <List bordered locale={{ emptyText: tr('Исходящих нет.', 'The outbox is empty.') }} dataSource={items} renderItem={(item) => <OutboxLine item={item} />} />
    </Space>
  );
}
