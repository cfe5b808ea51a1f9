/** «Лицензии»: a sortable, filterable list, a detail card, and applications to renew or change one. */
import { Button, Descriptions, Drawer, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { License } from '../../shared/cabinet';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { LoginRequired } from '../components/LoginRequired';
import { daysUntil, formatDate } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

const licenseStatuses: Record<License['status'], { text: string; color: string }> = {
  active: { text: 'действует', color: 'green' },
  suspended: { text: 'приостановлена', color: 'orange' },
  expired: { text: 'истекла', color: 'red' },
};

/** The licenses screen. */
export function LicensesPage() {
  const tr = useTr();
  const { cabinet, navigate } = useSession();
  // Without a session the list comes from the copy kept at the last login.
  const organisation = cabinet?.organisation ?? cabinet?.offlineOrganisation;
  const licenses = useApi('licenses:list', {}, organisation !== undefined);
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState<License['status'] | undefined>();
  const [open, setOpen] = useState<License | undefined>();
  if (organisation === undefined) {
    return <LoginRequired title={tr('Лицензии', 'Licenses')} text={tr('Лицензии загружаются из личного кабинета. Войдите и выберите организацию.', 'Licenses come from the cabinet. Log in and choose the organisation.')} />;
  }
  const renew = (license: License) => navigate({ section: 'wizard', typeCode: 'application.license-renewal', prefill: { licenseNumber: license.number, currentExpiry: license.validTo } });
  const change = (license: License) => navigate({ section: 'wizard', typeCode: 'application.license-change', prefill: { licenseNumber: license.number } });
  const rows = (licenses.value ?? []).filter(
    (license) => (status === undefined || license.status === status) && (filter === '' || `${license.number} ${license.mineral} ${license.area} ${license.kind}`.toLowerCase().includes(filter.toLowerCase())),
  );
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{tr('Лицензии', 'Licenses')}</Typography.Title>
      <Space wrap>
        <Input.Search aria-label="Поиск лицензии" placeholder={tr('Номер, полезное ископаемое, участок', 'Number, mineral, area')} allowClear style={{ width: 320 }} onChange={(event) => setFilter(event.target.value)} />
        <Select aria-label="Статус лицензии" allowClear placeholder={tr('Все статусы', 'All statuses')} style={{ width: 200 }} value={status} onChange={setStatus} options={(Object.keys(licenseStatuses) as License['status'][]).map((key) => ({ value: key, label: licenseStatuses[key].text }))} />
      </Space>
      {licenses.error !== undefined && <ApiErrorAlert error={licenses.error} onRetry={licenses.reload} />}
      <Table
        rowKey="id"
        loading={licenses.loading}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(license) => ({ onClick: () => setOpen(license), style: { cursor: 'pointer' } })}
        columns={[
          { title: tr('Номер', 'Number'), dataIndex: 'number', sorter: (a, b) => a.number.localeCompare(b.number) },
          { title: tr('Полезное ископаемое', 'Mineral'), dataIndex: 'mineral', sorter: (a, b) => a.mineral.localeCompare(b.mineral) },
          { title: tr('Участок', 'Area'), dataIndex: 'area' },
          { title: tr('Статус', 'Status'), dataIndex: 'status', render: (value: License['status']) => <Tag color={licenseStatuses[value].color}>{licenseStatuses[value].text}</Tag> },
          {
            title: tr('Действует до', 'Valid until'),
            dataIndex: 'validTo',
            defaultSortOrder: 'ascend',
            sorter: (a, b) => a.validTo.localeCompare(b.validTo),
            render: (value: string) => {
              const days = daysUntil(value);
              return (
                <Space>
                  {formatDate(value)}
                  {days >= 0 && days <= 90 && <Tag color={days <= 30 ? 'orange' : 'gold'}>{days} дн.</Tag>}
                </Space>
              );
            },
          },
        ]}
      />
      <Drawer open={open !== undefined} onClose={() => setOpen(undefined)} title={open ? `Лицензия ${open.number}` : ''} size="large">
        {open !== undefined && (
          <Space direction="vertical" size="large" style={{ width: '100%' }}>
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={tr('Номер', 'Number')}>{open.number}</Descriptions.Item>
              <Descriptions.Item label="Вид">{open.kind}</Descriptions.Item>
              <Descriptions.Item label={tr('Полезное ископаемое', 'Mineral')}>{open.mineral}</Descriptions.Item>
              <Descriptions.Item label={tr('Участок', 'Area')}>{open.area}</Descriptions.Item>
              <Descriptions.Item label={tr('Статус', 'Status')}><Tag color={licenseStatuses[open.status].color}>{licenseStatuses[open.status].text}</Tag></Descriptions.Item>
              <Descriptions.Item label="Срок действия">{formatDate(open.validFrom)} — {formatDate(open.validTo)}</Descriptions.Item>
            </Descriptions>
            <Space>
              <Button type="primary" onClick={() => renew(open)}>{tr('Продлить', 'Renew')}</Button>
              <Button onClick={() => change(open)}>{tr('Изменить условия', 'Change terms')}</Button>
            </Space>
          </Space>
        )}
      </Drawer>
    </Space>
  );
}
