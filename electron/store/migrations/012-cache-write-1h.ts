/**
 * Migration 12: `requests.tokens_cache_write_1h_in`, the input tokens written to Anthropic's 1-hour prompt cache
 * (`usage.cache_creation.ephemeral_1h_input_tokens`), part of tokens_cache_write_in. Anthropic bills them at 2× the
 * base input price where 5-minute writes cost 1.25× (platform.claude.com/docs/en/about-claude/pricing, "Prompt
 * caching"); priced at the 5-minute rate they read 37.5% low. Requests stored before have none (NULL: all writes at
 * the 5-minute rate, as before).
 */
import type { Db } from '../db';

/** Adds the column, unless a workspace already has it (a schema rebuilt by hand, or tests that step back a version). */
export function up(db: Db): void {
  const cols = db.all<{ name: string }>('PRAGMA table_info(requests)').map((c) => c.name);
  if (!cols.includes('tokens_cache_write_1h_in')) db.exec('ALTER TABLE requests ADD COLUMN tokens_cache_write_1h_in INTEGER;');
}
