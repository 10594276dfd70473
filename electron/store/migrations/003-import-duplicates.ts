/**
 * Migration 3: the import history keeps the rows whose id repeated an earlier row of the same file apart from the
 * rejected rows. Such a row is not refused (the last occurrence wins), so it belongs in neither `rejected` nor
 * `rejects`; `duplicates_in_file` counts them and `duplicate_rows` lists them (JSON array of
 * `{line, id, first_line}`, capped like `rejects`). History rows written before this migration keep 0 and `[]`:
 * their in-file duplicates were counted in `duplicates` and listed in `rejects`.
 */
export const sql = `
ALTER TABLE imports ADD COLUMN duplicates_in_file INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN duplicate_rows TEXT NOT NULL DEFAULT '[]';
`;
