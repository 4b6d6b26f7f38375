// What Table 2 of the paper is: its columns, its rows, its numbers (K80 GPUs). The store's runs
// are placed in it by their options (pde, model, derivatives); nothing here runs anything. Our extra columns (the
// autodiff PINN at equal wall time, the no-network baseline) have no paper number.

export const table2Columns = [
  { name: 'PINN', model: 'pinn', derivatives: 'autodiff' },
  { name: 'PINN+M', model: 'pinn', derivatives: 'mollifier' },
  { name: 'PirateNet', model: 'piratenet', derivatives: 'autodiff' },
  { name: 'PirateNet+M', model: 'piratenet', derivatives: 'mollifier' },
  { name: 'PINNsFormer', model: 'pinnsformer', derivatives: 'autodiff' },
  { name: 'PINNsFormer+M', model: 'pinnsformer', derivatives: 'mollifier' },
] as const;
export type ColumnName = (typeof table2Columns)[number]['name'];
export const columnNames: readonly ColumnName[] = table2Columns.map((c) => c.name);

export const table2Problems = [
  { pde: 'langevin', title: 'Langevin', dims: 1 },
  { pde: 'heat', title: 'Heat', dims: 2 },
  { pde: 'rd', title: 'Reaction-diffusion', dims: 2 },
] as const;
export type Table2Problem = (typeof table2Problems)[number];

type PaperRow = 'time' | 'mean_corr' | 'corr' | 'memory' | 'laplacian';

/** The paper's Table 2, columns PINN … PINNsFormer; it has no PINNsFormer+M. */
export const paperTable2: Record<Table2Problem['pde'], Record<PaperRow, Array<number | null> | null>> = {
  langevin: {
    time: [2138, 1615, 2414, 1473, 6507, null],
    mean_corr: [0.99, 0.96, 0.98, 0.99, 0.98, null],
    corr: [0.99, 0.97, 0.98, 0.97, 0.35, null],
    memory: [0.21, 0.16, 0.77, 0.11, 0.33, null],
    laplacian: null,
  },
  heat: {
    time: [2294, 1582, 4737, 2948, 10200, null],
    mean_corr: [0.81, 0.99, 0.13, 0.22, 0.73, null],
    corr: [0.21, 0.99, 0.16, 0.2, 0.04, null],
    memory: [1.2, 0.24, 1.15, 0.11, 0.8, null],
    laplacian: [0.16, 0.99, 0.01, 0.23, 0.09, null],
  },
  rd: {
    time: [3386, 335, 817, 125, 34487, null],
    mean_corr: [0.44, 0.99, 0.77, 0.99, 0.68, null],
    corr: [0.17, 0.84, 0.25, 0.91, 0.47, null],
    memory: [2.75, 0.23, 0.48, 0.12, 1.9, null],
    laplacian: [0.21, 0.78, 0.01, 0.75, 0.01, null],
  },
};

/** The paper's number of a cell, or undefined. */
export function paperValue(pde: string, row: PaperRow, column: string): number | undefined {
  const values = paperTable2[pde as Table2Problem['pde']]?.[row];
  const value = values?.[columnNames.indexOf(column as ColumnName)];
  return value === null ? undefined : value;
}
