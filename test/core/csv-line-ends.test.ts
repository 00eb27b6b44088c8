import { describe, expect, it } from 'vitest';
import { CsvLineEnds } from '../../src/core/csv-line-ends.ts';

// LF-terminated CSV (PostgreSQL COPY) to CRLF records, however the bytes are split into chunks.
function convert(chunks: string[]): { text: string; balanced: boolean } {
  const ends = new CsvLineEnds();
  const text = chunks.map((c) => ends.convert(Buffer.from(c)).toString('utf8')).join('');
  return { text, balanced: ends.balanced };
}

describe('CsvLineEnds', () => {
  it.each([
    [['a,b\nc,d\n'], 'a,b\r\nc,d\r\n'],
    [['"x\ny",1\n'], '"x\ny",1\r\n'],
    [['"x\r\ny",1\n'], '"x\r\ny",1\r\n'],
    [['"a""b\n",1\n"\n"\n'], '"a""b\n",1\r\n"\n"\r\n'],
    [['"a', '\nb"', '\n'], '"a\nb"\r\n'],
    [['"a"', '"\n"', '\n'], '"a""\n"\r\n'],
    [['a\n', '\n', 'b\n'], 'a\r\n\r\nb\r\n'],
    [['no end'], 'no end'],
    [['Zoë,東京\n'], 'Zoë,東京\r\n'],
    [[''], ''],
  ])('%j → %j', (chunks, expected) => {
    expect(convert(chunks)).toEqual({ text: expected, balanced: true });
  });

  it('says when the bytes end inside quotes', () => {
    expect(convert(['"open\n'])).toEqual({ text: '"open\n', balanced: false });
  });
});
