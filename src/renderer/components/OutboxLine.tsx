/** One line of the outbox, as the dashboard, «Исходящие» and the wizard's receipt read it. */
import { List, Space, Tag, Typography } from 'antd';
import type { OutboxItem } from '../../shared/api';
import { formatDateTime, statusView } from '../format';

/** Where an outbox item is, as the user thinks of it: a failure with a next attempt is still waiting. */
export type OutboxPhase = 'waiting' | 'sending' | 'refused' | 'done';

/** The phase of an item. */
export function outboxPhase(item: OutboxItem): OutboxPhase {
  if (item.state === 'failed') return item.nextAttemptAt === undefined ? 'refused' : 'waiting';
  return item.state;
}

const outboxPhases: Record<OutboxPhase, { text: string; color: string }> = {
  waiting: { text: 'ждёт отправки', color: 'gold' },
  sending: { text: 'отправляется', color: 'processing' },
  refused: { text: 'не отправлен', color: 'red' },
  done: { text: 'отправлен', color: 'green' },
};

/** One outbox line: what, where it is, and why it failed. */
export function OutboxLine({ item }: { item: OutboxItem }) {
  const phase = outboxPhase(item);
  const state = outboxPhases[phase];
  return (
    <List.Item data-testid="outbox-item">
      <List.Item.Meta
        title={item.title}
        description={
          <Space direction="vertical" size={0}>
            <Space wrap>
              <Tag color={state.color}>{state.text}</Tag>
              <Tag color={statusView(item.status).color}>{statusView(item.status).text}</Tag>
              {item.registrationNumber !== undefined && <span>рег. № {item.registrationNumber}</span>}
              {item.attempts > 0 && item.state !== 'done' && <span>попыток: {item.attempts}</span>}
              {phase === 'waiting' && item.nextAttemptAt !== undefined && <span>следующая попытка {formatDateTime(item.nextAttemptAt)}</span>}
            </Space>
            {item.lastError !== undefined && phase !== 'done' && <Typography.Text type={phase === 'refused' ? 'danger' : 'secondary'}>{item.lastError.message}</Typography.Text>}
          </Space>
        }
      />
    </List.Item>
  );
}
