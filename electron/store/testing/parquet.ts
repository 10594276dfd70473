/**
 * Test helper: writes a Parquet file with hyparquet-writer from column definitions, the way an export tool writes its
 * columns (strings, INT64, timestamps, JSON). Test-only; nothing in the app imports this.
 */
import { parquetWriteFile, type ColumnSource } from 'hyparquet-writer';

/**
 * Writes `columns` to `file`.
 * @param rowGroupSize - rows per row group (several groups test the reader's slicing)
 */
export function writeParquet(file: string, columns: ColumnSource[], rowGroupSize?: number): string {
  parquetWriteFile({ filename: file, columnData: columns, ...(rowGroupSize ? { rowGroupSize } : {}) });
  return file;
}
