import { Alert, Button } from 'antd';
import type { ErrorData } from '../../shared/errors';

interface ApiErrorAlertProps {
  error: ErrorData;
  /** Offered when the failure is worth retrying, so the user always has a next step. */
  onRetry?: () => void;
}

/** A call that failed, in the Russian words main gave it, with the next step; never a stack trace. */
export function ApiErrorAlert({ error, onRetry }: ApiErrorAlertProps) {
  const missing = error.code === 'UNKNOWN_METHOD';
  const message = missing ? 'Эта функция ещё не подключена в этой версии NedraDesk.' : error.message;
  const next = missing
    ? 'Обновите NedraDesk или обратитесь в поддержку.'
    : error.retryable
      ? 'Повторите попытку немного позже.'
      : 'Проверьте данные и повторите действие.';
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={message}
      description={next}
      action={onRetry !== undefined ? <Button onClick={onRetry}>Повторить</Button> : undefined}
    />
  );
}
