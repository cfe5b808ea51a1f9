/** «Пакеты и заявления»: every package with its status, filtered and paged by the local database. */
import { Button, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { packageStatuses, type PackageStatus } from '../../shared/cabinet';
import { callApi, onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { formatDateTime, statusView } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

const pageSize = 20;

/** The package list. */
export function PackagesPage() {
  const tr = useTr();
  const { navigate } = useSession();
  const [status, setStatus] = useState<PackageStatus | undefined>();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const list = useApi('packages:list', { offset: (page - 1) * pageSize, limit: pageSize, ...(status ? { status } : {}), ...(search ? { search } : {}) });
  const drafts = useApi('drafts:list', {});
  const reload = list.reload;
  useEffect(() => onApiEvent('outbox:changed', reload), [reload]);
  useEffect(() => onApiEvent('package:status', reload), [reload]);
  const counts = list.value?.counts ?? {};
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>{tr('Пакеты и заявления', 'Packages and applications')}</Typography.Title>
        <Button type="primary" onClick={() => navigate({ section: 'wizard' })}>{tr('Новое заявление или отчёт', 'New application or report')}</Button>
      </Space>
      {(drafts.value?.length ?? 0) > 0 && (
        <Table
          size="small"
          title={() => <Typography.Text strong>{tr('Черновики', 'Drafts')}</Typography.Text>}
          rowKey="id"
          pagination={false}
          dataSource={drafts.value}
          columns={[
            { title: tr('Название', 'Title'), dataIndex: 'title' },
            { title: tr('Изменён', 'Changed'), dataIndex: 'updatedAt', render: (value: string) => formatDateTime(value), width: 180 },
            {
              title: '',
              key: 'open',
              width: 240,
              render: (_, draft) => (
                <Space>
                  <Button size="small" onClick={() => navigate({ section: 'wizard', draftId: draft.id })}>{tr('Продолжить', 'Continue')}</Button>
                  <Popconfirm title={tr('Удалить черновик?', 'Delete the draft?')} description={tr('Заполненные данные будут потеряны.', 'What was filled in will be lost.')} okText={tr('Удалить', 'Delete')} cancelText={tr('Оставить', 'Keep')} onConfirm={() => void callApi('drafts:delete', { id: draft.id }).then(drafts.reload)}>
                    <Button size="small" danger>{tr('Удалить', 'Delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
      <Space wrap>
        <Select
          aria-label="Статус"
          allowClear
          placeholder={tr('Все статусы', 'All statuses')}
          style={{ width: 260 }}
          value={status}
          onChange={(value: PackageStatus | undefined) => {
            setStatus(value);
            setPage(1);
          }}
          options={(Object.keys(packageStatuses) as PackageStatus[]).map((key) => ({ value: key, label: `${packageStatuses[key]} (${counts[key] ?? 0})` }))}
        />
        <Input.Search aria-label="Поиск по названию или номеру" placeholder={tr('Название или регистрационный номер', 'Title or registration number')} allowClear style={{ width: 320 }} onSearch={(value) => { setSearch(value); setPage(1); }} />
      </Space>
      {list.error !== undefined && <ApiErrorAlert error={list.error} onRetry={list.reload} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.value?.items ?? []}
        onRow={(record) => ({ onClick: () => navigate({ section: 'package', packageId: record.id }), style: { cursor: 'pointer' } })}
        pagination={{ current: page, pageSize, total: list.value?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (total) => `${tr('Всего', 'Total')}: ${total}` }}
        locale={{ emptyText: tr('Пакетов нет. Начните с нового заявления или отчёта.', 'No packages. Start with a new application or report.') }}
        columns={[
          { title: tr('Название', 'Title'), dataIndex: 'title', render: (value: string, record) => (record.version > 1 ? `${value} (версия ${record.version})` : value) },
          { title: tr('Статус', 'Status'), dataIndex: 'status', width: 200, render: (value: PackageStatus) => <Tag color={statusView(value).color}>{statusView(value).text}</Tag> },
          { title: tr('Рег. номер', 'Reg. number'), dataIndex: 'registrationNumber', width: 180, render: (value: string | undefined) => value ?? '—' },
          { title: tr('Изменён', 'Changed'), dataIndex: 'updatedAt', width: 170, render: (value: string) => formatDateTime(value) },
        ]}
      />
    </Space>
  );
}
