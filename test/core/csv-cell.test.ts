import { describe, expect, it } from 'vitest';
import { neutralizeCell } from '../../src/core/csv-cell.ts';

describe('neutralizeCell', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['=1+2', "'=1+2"],
    ['+CODE', "'+CODE"],
    ['-10', "'-10"],
    ['-', "'-"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['\r=cmd', "'\r=cmd"],
    ["'=already", "'=already"],
  ])('puts an apostrophe before a formula-like %j', (value, expected) => {
    expect(neutralizeCell(value)).toBe(expected);
  });

  it.each([[''], ['Ana'], ['#1002'], ['SUMMER10'], ['a=b'], ['x+1'], [' =1+2'], ['100.00'], ['Zoë, "the" creator'], ['summer-sale']])(
    'leaves %j as it is',
    (value) => {
      expect(neutralizeCell(value)).toBe(value);
    },
  );
});
