/**
 * Documents of an application: one drop zone per document role. A file that lands is handed to
 * main, inspected by content and checked against its role's rule at once; problems name the rule
 * and how to fix it.
 */
import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, List, Progress, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { needsDocumentDate, type CatalogEntry, type DocumentInspection, type DocumentRule, type FormProblem } from '../../shared/catalog-types';
import type { ErrorData } from '../../shared/errors';
import { callApi } from '../api/client';
import { formatSize } from '../format';
import { stageFile } from '../stageFile';
import { ApiErrorAlert } from './ApiErrorAlert';
import { useTr } from '../i18n/locale';

/** A file attached in the wizard. */
export interface WizardFile {
  role: string;
  /** The staged file's handle (main keeps the file). */
  fileId: string;
  fileName: string;
  documentDate?: string | undefined;
  inspection?: DocumentInspection | undefined;
}

const formatNames = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', xml: 'XML', docx: 'DOCX', xlsx: 'XLSX' } as const;

/** The rule in one line: formats, size, resolution, freshness. */
export function describeRule(rule: DocumentRule): string {
  const parts = [rule.formats.map((format) => formatNames[format]).join(', ')];
  if (rule.maxBytes !== undefined) parts.push(`до ${formatSize(rule.maxBytes)}`);
  if (rule.minDpi !== undefined) parts.push(`сканы не менее ${rule.minDpi} dpi`);
  if (rule.maxAgeDays !== undefined) parts.push(`не старше ${rule.maxAgeDays} дн.`);
  if (rule.validityDays !== undefined) parts.push(`действует ${rule.validityDays} дн.`);
  return parts.join('; ');
}

function inspectionLine(inspection: DocumentInspection | undefined): string {
  if (inspection === undefined) return '';
  const parts = [formatSize(inspection.size)];
  if (inspection.detectedFormat !== undefined) parts.push(formatNames[inspection.detectedFormat]);
  if (inspection.pdf?.pageCount !== undefined) parts.push(`страниц: ${inspection.pdf.pageCount}`);
  if (inspection.image !== undefined) parts.push(`${inspection.image.width}×${inspection.image.height}${inspection.image.dpiX !== undefined ? `, ${inspection.image.dpiX} dpi` : ''}`);
  return parts.join(' · ');
}

interface DocumentsStepProps {
  entry: CatalogEntry;
  files: WizardFile[];
  onChange: (files: WizardFile[]) => void;
  problems: FormProblem[];
}

/** All document roles of an entry with their drop zones. */
export function DocumentsStep({ entry, files, onChange, problems }: DocumentsStepProps) {
  const tr = useTr();
  const [uploading, setUploading] = useState<string | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const add = async (role: string, file: File, multiple: boolean): Promise<void> => {
    setError(undefined);
    setUploading(role);
    try {
      const staged = await stageFile(file);
      if (!staged.ok) return setError(staged.error);
      const inspection = await callApi('documents:inspect', { fileId: staged.value.fileId, fileName: staged.value.name });
      const added: WizardFile = { role, fileId: staged.value.fileId, fileName: staged.value.name, inspection: inspection.ok ? inspection.value : undefined };
      onChange([...files.filter((item) => multiple || item.role !== role), added]);
    } finally {
      setUploading(undefined);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {error !== undefined && <ApiErrorAlert error={error} />}
      {entry.documents.map(({ role, required, condition }) => {
        const own = files.filter((file) => file.role === role.code);
        const roleProblems = problems.filter((problem) => problem.target === `documents.${role.code}` || problem.target.startsWith(`documents.${role.code}/`));
        return (
          <Card
            key={role.code}
            size="small"
            data-testid={`documents-${role.code}`}
            title={
              <Space wrap>
                <span>{role.title}</span>
                {required ? <Tag color="blue">{tr('обязательно', 'required')}</Tag> : <Tag>{condition ?? 'по необходимости'}</Tag>}
              </Space>
            }
          >
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {describeRule(role.rule)}
              {role.rule.note !== undefined ? `. ${role.rule.note}` : ''}
            </Typography.Paragraph>
            <List
              size="small"
              dataSource={own}
              locale={{ emptyText: ' ' }}
              renderItem={(file) => {
                const fileProblems = roleProblems.filter((problem) => problem.target === `documents.${role.code}/${file.fileName}`);
                return (
                  <List.Item
                    actions={[
                      <Button key="remove" type="link" danger onClick={() => onChange(files.filter((item) => item !== file))}>
                        {tr('Убрать', 'Remove')}
                      </Button>,
                    ]}
                  >
                    <Space direction="vertical" size={2} style={{ width: '100%' }}>
                      <Space wrap>
                        <Typography.Text strong>{file.fileName}</Typography.Text>
                        <Typography.Text type="secondary">{inspectionLine(file.inspection)}</Typography.Text>
                        {fileProblems.length === 0 ? <Tag color="green">{tr('соответствует требованиям', 'meets the rules')}</Tag> : <Tag color="red">{tr('не соответствует', 'does not meet the rules')}</Tag>}
                      </Space>
                      {needsDocumentDate(role.rule) && (
                        <Space>
                          <span>{tr('Дата документа:', 'Document date:')}</span>
                          <Input
                            type="date"
                            aria-label={`Дата документа ${file.fileName}`}
                            value={file.documentDate ?? ''}
                            onChange={(event) => onChange(files.map((item) => (item === file ? { ...item, documentDate: event.target.value || undefined } : item)))}
                            style={{ width: 180 }}
                          />
                        </Space>
                      )}
                      {fileProblems.map((problem) => (
                        <Typography.Text key={problem.rule + problem.message} type="danger" data-testid="document-problem">
                          {problem.message}
                        </Typography.Text>
                      ))}
                    </Space>
                  </List.Item>
                );
              }}
            />
            {roleProblems
              .filter((problem) => problem.target === `documents.${role.code}`)
              .map((problem) => (
                <Alert key={problem.rule} type="warning" showIcon title={problem.message} style={{ marginBottom: 8 }} />
              ))}
            {(own.length === 0 || role.rule.multiple === true) && (
              <Upload.Dragger
                multiple={role.rule.multiple === true}
                showUploadList={false}
                beforeUpload={(file) => {
                  void add(role.code, file, role.rule.multiple === true);
                  return false;
                }}
                aria-label={`Добавить: ${role.title}`}
                data-testid={`drop-${role.code}`}
              >
                {uploading === role.code ? (
                  <Progress percent={100} status="active" showInfo={false} />
                ) : (
                  <>
                    <p className="ant-upload-drag-icon">
                      <InboxOutlined />
                    </p>
                    <p>{tr('Перетащите файл сюда или нажмите, чтобы выбрать', 'Drop a file here or click to choose')}</p>
                  </>
                )}
              </Upload.Dragger>
            )}
          </Card>
        );
      })}
    </Space>
  );
}
