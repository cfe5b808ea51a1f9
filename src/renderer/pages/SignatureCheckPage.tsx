import { InboxOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, List, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { ErrorData } from '../../shared/errors';
import { indicationTexts, subIndicationTexts, trainingCertificateLabel, type CheckName, type CheckOutcome, type Indication, type VerificationReport } from '../../shared/verification';
import { callApi } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { saveBase64 } from '../format';
import { stageFile } from '../stageFile';
import { useTr } from '../i18n/locale';

const verdictColors: Record<Indication, { border: string; background: string; tag: string }> = {
  TOTAL_PASSED: { border: '#52c41a', background: '#f6ffed', tag: 'green' },
  INDETERMINATE: { border: '#faad14', background: '#fffbe6', tag: 'gold' },
  TOTAL_FAILED: { border: '#ff4d4f', background: '#fff2f0', tag: 'red' },
};

const checkNames: Record<CheckName, string> = {
  format: 'Формат подписи',
  digest: 'Целостность документа',
  signature: 'Значение подписи',
  signingCertificate: 'Сертификат подписавшего',
  validity: 'Срок действия сертификата',
  keyUsage: 'Назначение ключа',
  chain: 'Цепочка до доверенного корня',
  revocation: 'Отзыв сертификата',
};

const outcomeTexts: Record<CheckOutcome, { text: string; color: string }> = {
  passed: { text: 'пройдена', color: 'green' },
  failed: { text: 'не пройдена', color: 'red' },
  indeterminate: { text: 'не установлено', color: 'gold' },
  'not-checked': { text: 'не проверялась', color: 'default' },
};

/** «Проверка подписи»: a document and its detached .sig are staged and verified; the verdict is colour-coded. */
export function SignatureCheckPage() {
  const tr = useTr();
  const [files, setFiles] = useState<File[]>([]);
  const [report, setReport] = useState<(VerificationReport & { pdfReportFileId?: string | undefined }) | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const [busy, setBusy] = useState(false);

  const signature = files.find((file) => /\.(sig|p7s)$/i.test(file.name));
  const content = files.find((file) => file !== signature);

  const verify = async (): Promise<void> => {
    if (signature === undefined) return;
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    try {
      const stagedSignature = await stageFile(signature);
      if (!stagedSignature.ok) return setError(stagedSignature.error);
      let contentFileId: string | undefined;
      if (content !== undefined) {
        const stagedContent = await stageFile(content);
        if (!stagedContent.ok) return setError(stagedContent.error);
        contentFileId = stagedContent.value.fileId;
      }
      const result = await callApi('signatures:verify', { signatureFileId: stagedSignature.value.fileId, ...(contentFileId === undefined ? {} : { contentFileId }), pdfReport: true });
      if (result.ok) setReport(result.value);
      else setError(result.error);
    } finally {
      setBusy(false);
    }
  };

  const saveReport = async (reportFileId: string): Promise<void> => {
    const file = await callApi('files:read', { fileId: reportFileId });
    if (file.ok) saveBase64(file.value.name, file.value.mediaType, file.value.contentBase64);
    else setError(file.error);
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{tr('Проверка подписи', 'Signature check')}</Typography.Title>
      <Upload.Dragger
        multiple
        fileList={files.map((file, index) => ({ uid: String(index), name: file.name, status: 'done' }))}
        beforeUpload={(file) => {
          // Files stay in the page until «Проверить»: nothing is sent anywhere by the upload widget itself.
          setFiles((previous) => [...previous.filter((known) => known.name !== file.name), file].slice(-2));
          return false;
        }}
        onRemove={(removed) => setFiles((previous) => previous.filter((file) => file.name !== removed.name))}
        aria-label="Документ и файл подписи"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{tr('Перетащите сюда документ и его подпись (.sig) или нажмите, чтобы выбрать файлы', 'Drop the document and its signature (.sig) here, or click to choose files')}</p>
        <p className="ant-upload-hint">{tr('Для присоединённой подписи достаточно одного файла .sig', 'For an attached signature the .sig file alone is enough')}</p>
      </Upload.Dragger>
      <Button type="primary" onClick={() => void verify()} disabled={signature === undefined} loading={busy}>
        {tr('Проверить подпись', 'Verify the signature')}
      </Button>
      {signature === undefined && files.length > 0 && <Typography.Text type="warning">Добавьте файл подписи с расширением .sig или .p7s.</Typography.Text>}
      {error !== undefined && <ApiErrorAlert error={error} />}
      {report !== undefined && (
        <Card
          data-testid="verdict"
          style={{ borderColor: verdictColors[report.indication].border, background: verdictColors[report.indication].background }}
          title={
            <Space size={4}>
              <Tag color={verdictColors[report.indication].tag}>{indicationTexts[report.indication]}</Tag>
              {report.signers.some((signer) => signer.trainingCertificate === true) && (
                <Tag color="purple" data-testid="training-certificate">
                  {tr('Учебный сертификат', 'Training certificate')}
                </Tag>
              )}
            </Space>
          }
          extra={
            report.pdfReportFileId !== undefined && (
              <Button onClick={() => void saveReport(report.pdfReportFileId ?? '')}>{tr('Сохранить протокол в PDF', 'Save the PDF protocol')}</Button>
            )
          }
        >
          {report.subIndication !== undefined && <Typography.Paragraph>{subIndicationTexts[report.subIndication]}</Typography.Paragraph>}
          {report.reasons.some((reason) => report.subIndication === undefined || reason !== subIndicationTexts[report.subIndication]) && (
            <ul>
              {report.reasons.filter((reason) => report.subIndication === undefined || reason !== subIndicationTexts[report.subIndication]).map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
          <List
            dataSource={report.signers}
            renderItem={(signer) => (
              <List.Item>
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Typography.Text strong>
                    Подписант {signer.index + 1}: {signer.signer?.owner ?? 'не определён'} — {indicationTexts[signer.indication]}
                    {signer.trainingCertificate === true && `, ${trainingCertificateLabel}`}
                  </Typography.Text>
                  {signer.warnings.map((warning) => (
                    <Typography.Text key={warning} type="warning">
                      {warning}
                    </Typography.Text>
                  ))}
                  <Descriptions size="small" column={2}>
                    {(Object.keys(checkNames) as CheckName[]).map((name) => (
                      <Descriptions.Item key={name} label={checkNames[name]}>
                        <Tag color={outcomeTexts[signer.checks[name]].color}>{outcomeTexts[signer.checks[name]].text}</Tag>
                      </Descriptions.Item>
                    ))}
                  </Descriptions>
                  {signer.reasons.map((reason) => (
                    <Typography.Text key={reason} type="danger">
                      {reason}
                    </Typography.Text>
                  ))}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );
}
