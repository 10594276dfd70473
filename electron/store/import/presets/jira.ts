/**
 * Jira issue exports: the CSV of "Export issues → CSV (all fields / current fields)" in Jira Cloud and Data Center
 * (Atlassian support, "Export your issues to Excel or CSV"; columns named after the fields: Summary, Issue key,
 * Issue id, Issue Type, Status, Priority, Resolution, Assignee, Reporter, Creator, Created, Updated, Resolved,
 * Labels (repeated once per label), Description), and change histories built from it or from the changelog
 * (one row per change of an issue, with the state after the change and the change time in an as-of column
 * such as "Changed" or in Updated). Rows of one issue keep its latest state (see the pipeline); the file's order
 * breaks ties only.
 *
 * Jira writes times in the exporting user's format, by default `dd/MMM/yy h:mm a` (`05/Mar/26 2:15 PM`), in the
 * user's time zone: they are read as wall-clock times in the workspace time zone. ISO text is read as it is.
 */
import { DateTime } from 'luxon';
import { first, hasKeys, share, type Preset } from './common';

type Json = Record<string, unknown>;

const JIRA_FORMATS = ['dd/LLL/yy h:mm a', 'dd/LLL/yy H:mm', 'dd/LLL/yyyy h:mm a', 'd/LLL/yy h:mm a', 'dd/LLL/yy'];

/** A Jira date (`05/Mar/26 2:15 PM`) as naive ISO text for the workspace time zone; other values unchanged. */
export function jiraTime(v: unknown): unknown {
  if (typeof v !== 'string' || !/^\d{1,2}\/[A-Za-z]{3}\/\d{2,4}/.test(v.trim())) return v;
  for (const f of JIRA_FORMATS) {
    const d = DateTime.fromFormat(v.trim(), f, { zone: 'UTC', locale: 'en' });
    if (d.isValid) return d.toISO({ includeOffset: false, suppressMilliseconds: true });
  }
  return v;
}

const time = (...names: string[]) => ({
  compute: (r: Json) => jiraTime(first(r, ...names)),
  uses: names,
  describe: `${names[0]} (Jira date format read)`,
});

export const jira: Preset = {
  name: 'jira',
  label: 'Jira issues (CSV export, change histories)',
  kind: 'tickets',
  unit: 'rows',
  detect(sample) {
    return share(sample, (r: Json) => (hasKeys(r, 'Issue key') || hasKeys(r, 'Issue Key') || hasKeys(r, 'issue_key'))
      && (hasKeys(r, 'Summary') || hasKeys(r, 'Issue Type') || hasKeys(r, 'Status') || hasKeys(r, 'summary') || hasKeys(r, 'status')));
  },
  kinds: {
    tickets: {
      fields: {
        id: ['Issue key', 'Issue Key', 'issue_key'],
        subject: ['Summary', 'summary'],
        body: ['Description', 'description'],
        status: ['Status', 'status'],
        priority: ['Priority', 'priority'],
        requester: ['Reporter', 'reporter', 'Creator'],
        created_ts: time('Created', 'created'),
        updated_ts: time('Updated', 'updated'),
        resolved_ts: time('Resolved', 'resolved', 'Resolution date'),
        tags: ['Labels', 'labels'],
      },
    },
  },
  notes: ['a change history (several rows per issue) keeps each issue\'s latest state; Jira dates (05/Mar/26 2:15 PM) are read in the workspace time zone'],
};
