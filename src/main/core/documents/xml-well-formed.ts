/**
 * A strict XML 1.0 well-formedness check (W3C XML 1.0 §2.1 «Well-Formed XML Documents»): one root
 * element, properly nested and matching tags, quoted and unique attributes, only the five
 * predefined or numeric character references, `<` never in text or attribute values, comments
 * without `--`, closed CDATA sections and processing instructions. It does not validate against a
 * schema and ignores the internal DTD subset's content (no entity expansion, so no billion-laughs).
 */

/** The verdict with the place of the first error (1-based line and column). */
export interface XmlWellFormedness {
  wellFormed: boolean;
  rootElement?: string;
  error?: string;
  line?: number;
  column?: number;
}

// XML 1.0 §2.3 Name, restricted to the ranges real documents use (ASCII letters, Latin-1 and above).
const nameStart = /[A-Za-z_:\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const nameChar = /[A-Za-z0-9_:.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
// XML 1.0 §2.2 Char: no control characters other than tab, LF, CR.
const forbiddenChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

class XmlError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Checks that `text` is a well-formed XML document. */
export function checkXmlWellFormed(text: string): XmlWellFormedness {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    const root = parseDocument(source);
    return { wellFormed: true, rootElement: root };
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
    const before = source.slice(0, error.position);
    const lines = before.split('\n');
    return { wellFormed: false, error: error.message, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  }
}

function parseDocument(source: string): string {
  const forbidden = forbiddenChar.exec(source);
  if (forbidden !== null) throw new XmlError('недопустимый управляющий символ', forbidden.index);
  let position = 0;
  const stack: string[] = [];
  let root: string | undefined;
  let rootClosed = false;

  const fail = (message: string, at = position): never => {
    throw new XmlError(message, at);
  };
  const readName = (): string => {
    const start = position;
    if (!nameStart.test(source[position] ?? '')) fail('ожидалось имя элемента или атрибута');
    position += 1;
    while (position < source.length && nameChar.test(source[position] ?? '')) position += 1;
    return source.slice(start, position);
  };
  const skipSpace = (): number => {
    const start = position;
    while (/[ \t\r\n]/.test(source[position] ?? '')) position += 1;
    return position - start;
  };
  const checkReferences = (value: string, offset: number): void => {
    const pattern = /&([^;&<\s]*)(;?)/g;
    for (let match = pattern.exec(value); match !== null; match = pattern.exec(value)) {
      const [, body = '', semicolon] = match;
      const ok = semicolon === ';' && (/^(lt|gt|amp|quot|apos)$/.test(body) || /^#[0-9]+$/.test(body) || /^#x[0-9A-Fa-f]+$/.test(body));
      if (!ok) fail('символ «&» должен быть записан как &amp;', offset + match.index);
    }
  };

  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>');
    if (end < 0) fail('не закрыто XML-объявление');
    position = end + 2;
  }
  while (position < source.length) {
    const lt = source.indexOf('<', position);
    const textEnd = lt < 0 ? source.length : lt;
    const textPart = source.slice(position, textEnd);
    if (stack.length === 0 && textPart.trim() !== '') fail('текст вне корневого элемента', position);
    if (textPart.includes(']]>')) fail('последовательность «]]>» в тексте', position + textPart.indexOf(']]>'));
    checkReferences(textPart, position);
    if (lt < 0) break;
    position = lt;
    if (source.startsWith('<!--', position)) {
      const end = source.indexOf('-->', position + 4);
      if (end < 0) fail('не закрыт комментарий');
      if (source.slice(position + 4, end).includes('--')) fail('«--» внутри комментария');
      position = end + 3;
    } else if (source.startsWith('<![CDATA[', position)) {
      if (stack.length === 0) fail('раздел CDATA вне корневого элемента');
      const end = source.indexOf(']]>', position);
      if (end < 0) fail('не закрыт раздел CDATA');
      position = end + 3;
    } else if (source.startsWith('<!DOCTYPE', position)) {
      if (root !== undefined) fail('объявление DOCTYPE после корневого элемента');
      // The internal subset may contain '>' inside brackets; skip to the matching ']>' or '>'.
      const bracket = source.indexOf('[', position);
      const close = source.indexOf('>', position);
      if (close < 0) fail('не закрыто объявление DOCTYPE');
      if (bracket >= 0 && bracket < close) {
        const end = source.indexOf(']', bracket);
        const after = end < 0 ? -1 : source.indexOf('>', end);
        if (after < 0) fail('не закрыто объявление DOCTYPE');
        position = after + 1;
      } else position = close + 1;
    } else if (source.startsWith('<?', position)) {
      const end = source.indexOf('?>', position + 2);
      if (end < 0) fail('не закрыта инструкция обработки');
      position += 2;
      const target = readName();
      if (target.toLowerCase() === 'xml') fail('XML-объявление не в начале файла', position - 3);
      position = end + 2;
    } else if (source.startsWith('</', position)) {
      const start = position;
      position += 2;
      const name = readName();
      skipSpace();
      if (source[position] !== '>') fail(`ожидался символ «>» в закрывающем теге </${name}>`);
      position += 1;
      const open = stack.pop();
      if (open === undefined) fail(`закрывающий тег </${name}> без открывающего`, start);
      if (open !== name) fail(`закрывающий тег </${name}> не соответствует открытому <${open}>`, start);
      if (stack.length === 0) rootClosed = true;
    } else {
      const start = position;
      position += 1;
      const name = readName();
      if (stack.length === 0) {
        if (rootClosed || root !== undefined) fail('в документе больше одного корневого элемента', start);
        root = name;
      }
      const attributes = new Set<string>();
      for (;;) {
        const spaced = skipSpace() > 0;
        const next = source[position];
        if (next === undefined) fail(`не закрыт тег <${name}>`);
        if (next === '>') {
          position += 1;
          stack.push(name);
          break;
        }
        if (next === '/' && source[position + 1] === '>') {
          position += 2;
          if (stack.length === 0) rootClosed = true;
          break;
        }
        if (!spaced) fail(`нужен пробел перед атрибутом в теге <${name}>`);
        const attribute = readName();
        if (attributes.has(attribute)) fail(`атрибут «${attribute}» повторяется в теге <${name}>`);
        attributes.add(attribute);
        skipSpace();
        if (source[position] !== '=') fail(`у атрибута «${attribute}» нет значения`);
        position += 1;
        skipSpace();
        const quote = source[position];
        if (quote !== '"' && quote !== "'") fail(`значение атрибута «${attribute}» должно быть в кавычках`);
        const end = source.indexOf(quote as string, position + 1);
        if (end < 0) fail(`не закрыты кавычки у атрибута «${attribute}»`);
        const value = source.slice(position + 1, end);
        if (value.includes('<')) fail(`символ «<» в значении атрибута «${attribute}»`, position + 1 + value.indexOf('<'));
        checkReferences(value, position + 1);
        position = end + 1;
      }
    }
  }
  if (stack.length > 0) fail(`не закрыт элемент <${stack.at(-1) ?? ''}>`, source.length);
  if (root === undefined) fail('нет корневого элемента', 0);
  return root as string;
}
