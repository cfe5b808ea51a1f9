/** «Журнал»: what was done, by whom and with what result, newest first; period and action filters; CSV export. */
import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ErrorData } from '../../shared/errors';
import { journalActions } from '../../shared/journal';
import { callApi } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { formatDateTime, saveBlob } from '../format';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

const pageSize = 50;

/** The journal screen. */
export function JournalPage() {
  const tr = useTr();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [action, setAction] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [error, setError] = useState<ErrorData | undefined>();
  const filter = { ...(from ? { from: `${from}T00:00:00.000Z` } : {}), ...(to ? { to: `${to}T23:59:59.999Z` } : {}), ...(action ? { action } : {}) };
  const journal = useApi('journal:list', { ...filter, offset: (page - 1) * pageSize, limit: pageSize });
  const exportCsv = async (): Promise<void> => {
    setError(undefined);
    const result = await callApi('journal:export', filter);
    if (!result.ok) return setError(result.error);
    // A byte order mark lets spreadsheet programs read the Cyrillic text as UTF-8.
    saveBlob(result.value.fileName, new Blob(['\uFEFF', result.value.csv], { type: 'text/csv;charset=utf-8' }));
  };
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{tr('Журнал', 'Journal')}</Typography.Title>
      <Space wrap>
        <span>{tr('Период с', 'From')}</span>
        <Input type="date" aria-label="Период с" value={from} onChange={(event) => { setFrom(event.target.value); setPage(1); }} style={{ width: 170 }} />
        <span>{tr('по', 'to')}</span>
        <Input type="date" aria-label="Период по" value={to} onChange={(event) => { setTo(event.target.value); setPage(1); }} style={{ width: 170 }} />
        <Select aria-label="Действие" allowClear placeholder={tr('Все действия', 'All actions')} style={{ width: 300 }} value={action} onChange={(value: string | undefined) => { setAction(value); setPage(1); }} options={Object.entries(journalActions).map(([value, label]) => ({ value, label }))} />
        <Button onClick={() => void exportCsv()}>{tr('Выгрузить в CSV', 'Export CSV')}</Button>
      </Space>
      {error !== undefined && <ApiErrorAlert error={error} />}
      {journal.error !== undefined && <ApiErrorAlert error={journal.error} onRetry={journal.reload} />}
      <Table
        rowKey="id"
        size="small"
        loading={journal.loading}
        dataSource={journal.value?.items ?? []}
        pagination={{ current: page, pageSize, total: journal.value?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (total) => `${tr('Записей', 'Entries')}: ${total}` }}
        locale={{ emptyText: tr('Записей за этот период нет.', 'No entries for this period.') }}
        columns={[
          { title: tr('Время', 'Time'), dataIndex: 'at', width: 170, render: (value: string) => formatDateTime(value) },
          { title: tr('Действие', 'Action'), dataIndex: 'action', render: (value: string) => (journalActions as Record<string, string>)[value] ?? value },
          { title: tr('Кто', 'Who'), dataIndex: 'actor', render: (value: string | undefined) => value ?? '—' },
          { title: tr('Объект', 'Object'), dataIndex: 'object', ellipsis: true, render: (value: string | undefined) => value ?? '—' },
          { title: tr('Результат', 'Result'), dataIndex: 'result', width: 110, render: (value: 'ok' | 'error') => (value === 'ok' ? <Tag color="green">{tr('успешно', 'ok')}</Tag> : <Tag color="red">{tr('ошибка', 'error')}</Tag>) },
        ]}
      />
    </Space>
  );
}
