import { Alert, Button } from 'antd';
import type { ErrorData } from '../../shared/errors';
import { useSession } from '../session';

interface ApiErrorAlertProps {
  error: ErrorData;
  /** Offered when the failure is worth retrying, so the user always has a next step. */
  onRetry?: () => void;
}

/** A call that failed, in the Russian words main gave it, with the next step; never a stack trace. */
export function ApiErrorAlert({ error, onRetry }: ApiErrorAlertProps) {
  const { navigate } = useSession();
  const missing = error.code === 'UNKNOWN_METHOD';
  const message = missing ? 'Эта функция ещё не подключена в этой версии NedraDesk.' : error.message;
  const next = missing
    ? 'Обновите NedraDesk или обратитесь в поддержку.'
    : error.code === 'CABINET_LOGIN_REQUIRED'
      ? 'Войдите в кабинет ещё раз: подготовленные пакеты и черновики сохранены.'
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
      action={
        // An expired session whose refresh failed: the next step is to log in again.
        error.code === 'CABINET_LOGIN_REQUIRED' ? (
          <Button type="primary" onClick={() => navigate({ section: 'login' })}>
            Войти снова
          </Button>
        ) : onRetry !== undefined ? (
          <Button onClick={onRetry}>Повторить</Button>
        ) : undefined
      }
    />
  );
}
