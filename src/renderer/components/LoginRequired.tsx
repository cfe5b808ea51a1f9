import { Button, Space, Typography } from 'antd';
import { useTr } from '../i18n/locale';
import { useSession } from '../session';

/** A screen whose data comes from the cabinet and that has nothing yet: what to do to see it. */
export function LoginRequired({ title, text }: { title: string; text: string }) {
  const tr = useTr();
  const { navigate } = useSession();
  return (
    <Space direction="vertical">
      <Typography.Title level={2}>{title}</Typography.Title>
      <Typography.Text>{text}</Typography.Text>
      <Button type="primary" onClick={() => navigate({ section: 'login' })}>
        {tr('Войти', 'Log in')}
      </Button>
    </Space>
  );
}
