/**
 * «Главная»: what needs attention today — packages by status, unread notifications, licenses
 * expiring within 90 days, report deadlines and the outbox.
 */
import { Badge, Button, Card, Col, Empty, List, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { packageStatuses, type PackageStatus } from '../../shared/cabinet';
import { onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { OutboxLine } from '../components/OutboxLine';
import { daysUntil, formatDate, formatDateTime, statusView } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

const attentionStatuses: PackageStatus[] = ['queued', 'processing', 'needs-rework', 'approved', 'rejected'];

/** The dashboard. */
export function DashboardPage() {
  const tr = useTr();
  const { cabinet, navigate } = useSession();
  const loggedIn = cabinet?.organisation !== undefined;
  // Licenses, deadlines and notifications also come from the copy kept at the last login.
  const withLists = loggedIn || cabinet?.offlineOrganisation !== undefined;
  const packages = useApi('packages:list', { offset: 0, limit: 5 });
  const outbox = useApi('outbox:list', {});
  const notifications = useApi('notifications:list', {}, withLists);
  const licenses = useApi('licenses:list', {}, withLists);
  const deadlines = useApi('deadlines:list', {}, withLists);
  const setOutbox = outbox.setValue;
  const reloadPackages = packages.reload;
  const reloadNotifications = notifications.reload;
  useEffect(() => onApiEvent('outbox:changed', (event) => {
    setOutbox(event.items);
    reloadPackages();
  }), [setOutbox, reloadPackages]);
  useEffect(() => onApiEvent('package:status', () => {
    reloadPackages();
    reloadNotifications();
  }), [reloadPackages, reloadNotifications]);

  const counts = packages.value?.counts ?? {};
  const unread = (notifications.value ?? []).filter((item) => !item.read);
  const expiring = (licenses.value ?? []).filter((license) => daysUntil(license.validTo) <= 90).sort((a, b) => a.validTo.localeCompare(b.validTo));
  const upcoming = [...(deadlines.value ?? [])].sort((a, b) => a.dueDate.localeCompare(b.dueDate)).slice(0, 6);
  const pending = (outbox.value ?? []).filter((item) => item.state !== 'done');

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {(cabinet?.organisation ?? cabinet?.offlineOrganisation)?.fullName ?? tr('Главная', 'Home')}
        </Typography.Title>
        <Button type="primary" size="large" onClick={() => navigate({ section: 'wizard' })}>
          {tr('Новое заявление или отчёт', 'New application or report')}
        </Button>
      </Space>
      {!loggedIn && (
        <Card>
          <Space direction="vertical">
            <Typography.Text>{tr('Войдите в личный кабинет, чтобы видеть статусы, лицензии, сроки и уведомления. Готовить и подписывать пакеты можно и без входа — они подождут в исходящих.', 'Log in to the cabinet to see statuses, licenses, deadlines and notifications. Packages can be prepared and signed without logging in: they wait in the outbox.')}</Typography.Text>
            <Button type="primary" onClick={() => navigate({ section: 'login' })}>{tr('Войти через Госуслуги', 'Log in with Gosuslugi')}</Button>
          </Space>
        </Card>
      )}
      {packages.error !== undefined && <ApiErrorAlert error={packages.error} onRetry={packages.reload} />}
      <Row gutter={[16, 16]}>
        {attentionStatuses.map((status) => (
          <Col key={status} xs={12} md={8} xl={4}>
            <Card size="small" className="stat-card" hoverable onClick={() => navigate({ section: 'packages' })} data-testid={`count-${status}`}>
              <Statistic title={packageStatuses[status]} value={counts[status] ?? 0} groupSeparator=" " />
            </Card>
          </Col>
        ))}
        <Col xs={12} md={8} xl={4}>
          <Card size="small" className="stat-card" hoverable onClick={() => navigate({ section: 'notifications' })}>
            <Statistic title={tr('Новые уведомления', 'New notifications')} value={unread.length} />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={tr('Последние пакеты', 'Recent packages')} extra={<Button type="link" onClick={() => navigate({ section: 'packages' })}>{tr('Все пакеты', 'All packages')}</Button>}>
            <List
              locale={{ emptyText: <Empty description={tr('Пакетов пока нет. Начните с нового заявления или отчёта.', 'No packages yet. Start with a new application or report.')} /> }}
              dataSource={packages.value?.items ?? []}
              renderItem={(item) => (
                <List.Item onClick={() => navigate({ section: 'package', packageId: item.id })} style={{ cursor: 'pointer' }}>
                  <List.Item.Meta title={item.title} description={`${formatDateTime(item.updatedAt)}${item.registrationNumber ? ` · рег. № ${item.registrationNumber}` : ''}`} />
                  <Tag color={statusView(item.status).color}>{statusView(item.status).text}</Tag>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={<Badge count={pending.length} offset={[12, 0]}>{tr('Исходящие', 'Outbox')}</Badge>} extra={<Button type="link" onClick={() => navigate({ section: 'outbox' })}>{tr('Открыть', 'Open')}</Button>}>
            {outbox.error !== undefined && <ApiErrorAlert error={outbox.error} onRetry={outbox.reload} />}
            <List locale={{ emptyText: tr('В исходящих ничего не ждёт отправки.', 'Nothing is waiting in the outbox.') }} dataSource={pending.slice(0, 5)} renderItem={(item) => <OutboxLine item={item} />} />
          </Card>
        </Col>
        {withLists && (
          <>
            <Col xs={24} xl={12}>
              <Card title={tr('Истекающие лицензии', 'Expiring licenses')} extra={<Button type="link" onClick={() => navigate({ section: 'licenses' })}>{tr('Все лицензии', 'All licenses')}</Button>}>
                {licenses.error !== undefined && <ApiErrorAlert error={licenses.error} onRetry={licenses.reload} />}
                <List
                  locale={{ emptyText: tr('Нет лицензий, срок которых истекает в ближайшие 90 дней.', 'No licenses expire within 90 days.') }}
                  dataSource={expiring}
                  renderItem={(license) => {
                    const days = daysUntil(license.validTo);
                    return (
                      <List.Item actions={[<Button key="renew" onClick={() => navigate({ section: 'wizard', typeCode: 'application.license-renewal', prefill: { licenseNumber: license.number, currentExpiry: license.validTo } })}>{tr('Продлить', 'Renew')}</Button>]}>
                        <List.Item.Meta title={`${license.number} · ${license.mineral}`} description={`${license.area}; действует до ${formatDate(license.validTo)}`} />
                        <Tag color={days < 0 ? 'red' : days <= 30 ? 'orange' : 'gold'}>{days < 0 ? 'истекла' : `осталось ${days} дн.`}</Tag>
                      </List.Item>
                    );
                  }}
                />
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card title={tr('Сроки сдачи отчётности', 'Report deadlines')}>
                {deadlines.error !== undefined && <ApiErrorAlert error={deadlines.error} onRetry={deadlines.reload} />}
                <List
                  locale={{ emptyText: tr('Ближайших сроков нет.', 'No upcoming deadlines.') }}
                  dataSource={upcoming}
                  renderItem={(deadline) => {
                    const days = daysUntil(deadline.dueDate);
                    return (
                      <List.Item actions={[<Button key="file" type="link" onClick={() => navigate({ section: 'wizard', typeCode: deadline.serviceCode, prefill: deadline.licenseNumber ? { licenseNumber: deadline.licenseNumber } : {} })}>{tr('Подготовить', 'Prepare')}</Button>]}>
                        <List.Item.Meta title={deadline.title} description={`до ${formatDate(deadline.dueDate)}${deadline.licenseNumber ? ` · лицензия ${deadline.licenseNumber}` : ''}`} />
                        <Tag color={days < 0 ? 'red' : days <= 14 ? 'orange' : 'blue'}>{days < 0 ? 'просрочено' : `через ${days} дн.`}</Tag>
                      </List.Item>
                    );
                  }}
                />
              </Card>
            </Col>
          </>
        )}
      </Row>
    </Space>
  );
}
