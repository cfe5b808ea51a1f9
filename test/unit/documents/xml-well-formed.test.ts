import { describe, expect, it } from 'vitest';
import { checkXmlWellFormed } from '../../../src/main/core/documents/xml-well-formed';

describe('checkXmlWellFormed', () => {
  it.each([
    ['a minimal document', '<a/>', 'a'],
    ['declaration, comment, PI, CDATA and references', '<?xml version="1.0" encoding="UTF-8"?>\n<!-- отчёт -->\n<?pi data?>\n<r a="1" b=\'&lt;&#1040;&#x410;\'><![CDATA[<не тег> & ]]>&amp;текст<e/></r>\n<!-- end -->', 'r'],
    ['a DOCTYPE with an internal subset', '<!DOCTYPE r [<!ELEMENT r (#PCDATA)>]>\n<r>x</r>', 'r'],
    ['Cyrillic element names', '<отчёт><объём единица="т">5</объём></отчёт>', 'отчёт'],
    ['namespaces', '<f:form xmlns:f="urn:x"><f:field key="k">v</f:field></f:form>', 'f:form'],
  ])('accepts %s', (_name, text, root) => {
    expect(checkXmlWellFormed(text)).toEqual({ wellFormed: true, rootElement: root });
  });

  it.each([
    ['mismatched tags', '<a><b></a></b>', 'не соответствует'],
    ['an unclosed element', '<a><b></b>', 'не закрыт элемент <a>'],
    ['two root elements', '<a/><b/>', 'больше одного корневого'],
    ['text after the root', '<a/>текст', 'текст вне корневого'],
    ['a bare ampersand', '<a>Рога & копыта</a>', '&amp;'],
    ['an unknown entity', '<a>&nbsp;</a>', '&amp;'],
    ['an unquoted attribute', '<a b=1/>', 'в кавычках'],
    ['a duplicate attribute', '<a b="1" b="2"/>', 'повторяется'],
    ['< inside an attribute value', '<a b="x<y"/>', '«<»'],
    ['-- inside a comment', '<a><!-- a -- b --></a>', '«--»'],
    ['an unclosed CDATA section', '<a><![CDATA[x</a>', 'CDATA'],
    ['a declaration not at the start', ' <?xml version="1.0"?><a/>', 'XML-объявление'],
    ['a control character', '<a>\u0001</a>', 'управляющий'],
    ['an empty document', '   ', 'нет корневого'],
    ['a missing space between attributes', '<a b="1"c="2"/>', 'пробел'],
  ])('rejects %s', (_name, text, error) => {
    const result = checkXmlWellFormed(text);
    expect(result.wellFormed).toBe(false);
    expect(result.error).toContain(error);
    expect(result.line).toBeGreaterThanOrEqual(1);
  });

  it('reports the line and column of the first error', () => {
    expect(checkXmlWellFormed('<r>\n  <a>\n  </b>\n</r>')).toMatchObject({ wellFormed: false, line: 3, column: 3 });
  });

  it('checks a 5 MB document in well under a second', () => {
    const text = `<r>${'<row n="1">Добыча нефти &amp; газа</row>\n'.repeat(120_000)}</r>`;
    const started = performance.now();
    expect(checkXmlWellFormed(text).wellFormed).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
