import { Alert, Button, List, Space, Spin, Tag, Typography, message } from 'antd';
import type { DiagnosticCheck } from '../../shared/api';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

const statusTexts: Record<DiagnosticCheck['status'], { text: string; color: string }> = {
  ok: { text: 'в порядке', color: 'green' },
  warning: { text: 'внимание', color: 'orange' },
  error: { text: 'ошибка', color: 'red' },
};

/** «Проверка рабочего места»: every check with its status and how to fix it. */
export function DiagnosticsPage() {
  const tr = useTr();
  const report = useApi('diagnostics:run', {});
  const [notice, holder] = message.useMessage();
  const copy = async (): Promise<void> => {
    if (report.value === undefined) return;
    try {
      await navigator.clipboard.writeText(report.value.text);
      void notice.success('Отчёт скопирован. Вставьте его в письмо в поддержку.');
    } catch {
      void notice.error('Не удалось скопировать отчёт. Выделите текст отчёта вручную.');
    }
  };
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {holder}
      <Typography.Title level={2}>{tr('Проверка рабочего места', 'Workstation check')}</Typography.Title>
      <Space>
        <Button onClick={report.reload} loading={report.loading}>
          {tr('Проверить ещё раз', 'Check again')}
        </Button>
        <Button type="primary" onClick={() => void copy()} disabled={report.value === undefined}>
          {tr('Скопировать отчёт для поддержки', 'Copy the report for support')}
        </Button>
      </Space>
      {report.error !== undefined && <ApiErrorAlert error={report.error} onRetry={report.reload} />}
      {report.loading && report.value === undefined && <Spin description={tr('Проверяем рабочее место…', 'Checking the workstation…')} />}
      {report.value !== undefined && (
        <List
          bordered
          dataSource={report.value.checks}
          renderItem={(check) => (
            <List.Item data-testid="diagnostic-check">
              <List.Item.Meta
                title={
                  <Space>
                    <Tag color={statusTexts[check.status].color}>{statusTexts[check.status].text}</Tag>
                    {check.title}
                  </Space>
                }
                description={
                  <>
                    <div>{check.detail}</div>
                    {check.fix !== undefined && <Alert type={check.status === 'error' ? 'error' : 'warning'} title={`Что сделать: ${check.fix}`} style={{ marginTop: 8 }} />}
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}
