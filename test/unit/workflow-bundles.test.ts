import * as engine from '../../workflows/index';
import * as tools from '../../workflows/tools';

describe('workflow bundles', () => {
  it("the tools' bundle registers every workflow the engine registers", () => {
    expect(Object.keys(tools)).toEqual(expect.arrayContaining(Object.keys(engine)));
  });
});
