/**
 * The decision document the stand attaches to an approved order: a one-page PDF in Russian.
 */
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import type { Order } from '../shared/cabinet';
import { resourcePath } from '../main/core/resources';

/** Renders «Решение» for an order. */
export async function renderDecisionPdf(input: { order: Order; decidedAt: Date }): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.registerFontkit(fontkit);
  const regular = await document.embedFont(readFileSync(resourcePath('fonts', 'DejaVuSans.ttf')), { subset: true });
  const bold = await document.embedFont(readFileSync(resourcePath('fonts', 'DejaVuSans-Bold.ttf')), { subset: true });
  document.setTitle('Решение по заявлению');
  document.setCreationDate(input.decidedAt);
  document.setModificationDate(input.decidedAt);
  document.setProducer('Учебный стенд NedraDesk');
  const page = document.addPage([595.28, 841.89]);
  let y = 780;
  const line = (text: string, size = 11, font = regular): void => {
    page.drawText(text, { x: 56, y, size, font, color: rgb(0.1, 0.1, 0.1) });
    y -= size * 1.6;
  };
  line('УЧЕБНЫЙ СТЕНД — ДОКУМЕНТ НЕ ИМЕЕТ ЮРИДИЧЕСКОЙ СИЛЫ', 9);
  y -= 10;
  line('Решение по заявлению', 18, bold);
  line(`Регистрационный номер: ${input.order.registrationNumber ?? '—'}`);
  line(`Заявление: ${input.order.title}`);
  line(`Вид услуги: ${input.order.serviceCode}`);
  line(`Дата решения: ${input.decidedAt.toISOString().slice(0, 10)}`);
  y -= 10;
  line('Заявление рассмотрено. Решение: ОДОБРЕНО.', 13, bold);
  line('Представленные документы соответствуют требованиям.');
  return document.save({ useObjectStreams: false });
}
