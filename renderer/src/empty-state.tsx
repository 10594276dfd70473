/** What a new workspace shows: what to do first, and the formats an import understands. */

/** The formats the importer reads, as the user knows them. Kept in one place for the empty state and the Import screen. */
export const SUPPORTED_FORMATS = [
  'JSON Lines (.jsonl, .ndjson), one record per line',
  'JSON arrays (.json), also records nested under a key such as "instances"',
  'CSV and TSV (comma, semicolon, tab or pipe), with quoted multi-line fields',
  'Any of these gzip-compressed (.gz)',
  'Parquet (.parquet)',
  'Exports of OpenTelemetry (OTLP JSON), Langfuse, LangSmith (runs and feedback), Opik, MLflow traces, Arize Phoenix, Helicone, Portkey, LiteLLM spend logs, Amazon Bedrock invocation logs, Jira, OpenAI, Anthropic and Vertex AI batches',
  'Annotations from Label Studio, survey downloads and responses (Typeform, SurveyMonkey, Qualtrics, Delighted) and help-desk ticket exports (Zendesk, Freshdesk, Jira, Intercom and Help Scout conversations)',
];

/** Shown on Records and Tickets while the workspace holds nothing to list. */
export function EmptyWorkspace({ what, onImport }: { what: string; onImport: () => void }) {
  return (
    <div className="empty" data-testid="empty-state">
      <h2>No {what} yet</h2>
      <p>Start by importing your files: request/response logs, user feedback (thumbs, ratings, NPS, comments) and support
        tickets all go into this one workspace, and tickets and feedback are linked to the requests they are about.</p>
      <button type="button" className="btn primary" onClick={onImport}>Import files…</button>
      <p className="muted small">Supported formats:</p>
      <ul className="muted small formats">
        {SUPPORTED_FORMATS.map((f) => <li key={f}>{f}</li>)}
      </ul>
    </div>
  );
}
