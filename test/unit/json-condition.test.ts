import { describe, expect, it } from 'vitest';
import { holds, parseJsonCondition } from '../../src/model/json-condition';

const check = (condition: string, value: unknown) => holds(parseJsonCondition(condition), value);

describe('JSON path conditions as typed in the search box', () => {
  const order = { type: 'OrderPlaced', data: { amount: 120, customer: { name: 'Ada Lovelace' }, tags: ['vip', 'eu'], items: [{ sku: 'A-1' }] }, 'odd key': 1, none: null };

  it('compares numbers and text, and never across types', () => {
    expect(check('$.data.amount > 100', order)).toBe(true);
    expect(check('$.data.amount >= 120', order)).toBe(true);
    expect(check('$.data.amount < 120', order)).toBe(false);
    expect(check('$.data.amount > "100"', order)).toBe(false);
    expect(check('$.type == "OrderPlaced"', order)).toBe(true);
    expect(check("$.type == 'OrderPlaced'", order)).toBe(true);
    expect(check('$.type != "OrderPlaced"', order)).toBe(false);
    expect(check('$.missing != "x"', order)).toBe(true);
  });

  it('reads indexes, quoted names, regular expressions and contains', () => {
    expect(check('$.data.items[0].sku == "A-1"', order)).toBe(true);
    expect(check("$['odd key'] == 1", order)).toBe(true);
    expect(check('$.data.customer.name ~ "^Ada"', order)).toBe(true);
    expect(check('$.data.tags contains "vip"', order)).toBe(true);
    expect(check('$.data.customer.name contains "Love"', order)).toBe(true);
    expect(check('$.data.tags contains "us"', order)).toBe(false);
  });

  it('a path alone holds where there is a value that is not null', () => {
    expect(check('$.data.customer', order)).toBe(true);
    expect(check('$.none', order)).toBe(false);
    expect(check('$.nothing.deeper', order)).toBe(false);
    expect(check('$.data.amount', 'not an object')).toBe(false);
  });

  it('names the mistake', () => {
    expect(() => parseJsonCondition('data.amount > 1')).toThrow(/starts with \$/);
    expect(() => parseJsonCondition('$.data.amount >> 1')).toThrow(/is not a value/);
    expect(() => parseJsonCondition('$.data.amount >')).toThrow(/A value must follow/);
    expect(() => parseJsonCondition('$.name ~ "("')).toThrow(/Not a regular expression/);
    expect(() => parseJsonCondition('$.a = 1')).toThrow(/Expected one of/);
  });

  it('asks the raw text for the last property name first, except for !=', () => {
    expect(parseJsonCondition('$.data.amount > 1').mustContain).toBe('"amount"');
    expect(parseJsonCondition('$.items[0]').mustContain).toBe('"items"');
    expect(parseJsonCondition('$.a != 1').mustContain).toBeNull();
  });
});
