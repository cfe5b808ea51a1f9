/** «Уведомления» from the cabinet: newest first, unread marked; reading one marks it read. */
import { Badge, Button, List, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { callApi, onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { LoginRequired } from '../components/LoginRequired';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

/** The notifications screen. */
export function NotificationsPage() {
  const tr = useTr();
  const { cabinet } = useSession();
  const organisation = cabinet?.organisation ?? cabinet?.offlineOrganisation;
  const notifications = useApi('notifications:list', {}, organisation !== undefined);
  const reload = notifications.reload;
  useEffect(() => onApiEvent('package:status', reload), [reload]);
  if (organisation === undefined) {
    return <LoginRequired title={tr('Уведомления', 'Notifications')} text={tr('Уведомления приходят из личного кабинета. Войдите и выберите организацию.', 'Notifications come from the cabinet. Log in and choose the organisation.')} />;
  }
  const items = [...(notifications.value ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  const markRead = async (id: string): Promise<void> => {
    const result = await callApi('notifications:read', { id });
    if (result.ok) reload();
  };
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{tr('Уведомления', 'Notifications')}</Typography.Title>
      {notifications.error !== undefined && <ApiErrorAlert error={notifications.error} onRetry={notifications.reload} />}
      <List
        bordered
        loading={notifications.loading}
        locale={{ emptyText: tr('Уведомлений нет.', 'No notifications.') }}
        dataSource={items}
        renderItem={(item) => (
          <List.Item
            data-testid="notification"
            actions={[
              ...(item.read ? [] : [<Button key="read" size="small" onClick={() => void markRead(item.id)}>{tr('Прочитано', 'Mark read')}</Button>]),
            ]}
          >
            <List.Item.Meta
              title={<Space>{!item.read && <Badge status="processing" />}<span style={{ fontWeight: item.read ? 400 : 600 }}>{item.title}</span></Space>}
              description={<Space direction="vertical" size={0}><span>{item.body}</span><Typography.Text type="secondary">{formatDateTime(item.at)}</Typography.Text></Space>}
            />
          </List.Item>
        )}
      />
    </Space>
  );
}
