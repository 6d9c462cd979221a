import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument, csvRow } from './csv-writer.js';

describe('csvCell', () => {
  it.each([
    ['=1+1', `"'=1+1"`],
    ['+45 1234', `"'+45 1234"`],
    ['-cmd|calc', `"'-cmd|calc"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tTAB', `"'\tTAB"`],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
  ])('neutralises a formula %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ['-1441.05', '-1441.05'],
    ['+3', '+3'],
    ['-12,5', '-12,5'],
    ['HJEM-SYD', 'HJEM-SYD'],
    ['', ''],
  ])('leaves plain values %j alone', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('quotes delimiters, quotes and line breaks', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('a,b', ',')).toBe('"a,b"');
    expect(csvCell('a,b', ';')).toBe('a,b');
  });

  it('writes null and numbers', () => {
    expect(csvRow([null, 3, undefined, 'x'])).toBe(';3;;x');
    expect(csvDocument(['a', 'b'], [[1, '=x']])).toBe(`a;b\r\n1;"'=x"\r\n`);
  });
});
