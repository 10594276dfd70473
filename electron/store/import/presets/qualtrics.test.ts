/**
 * Qualtrics' default CSV download: export tags (Q1, Q2, Q3) as column names, the question texts and an ImportId row
 * as two more header rows. Before, the tags matched no name and the file was refused ("no field could be mapped");
 * now each tag is read by its question text, Q1_NPS_GROUP (the answer's Promoter/Detractor label) is not an answer,
 * and previews are skipped and counted.
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-qualtrics-');

const header = [
  'StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,DistributionChannel,UserLanguage,Q1,Q1_NPS_GROUP,Q2,Q3',
  'Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,Response ID,Distribution Channel,User Language,"How likely are you to recommend Acme to a friend or colleague?","How likely are you to recommend Acme to a friend or colleague? - Group","How satisfied were you with Acme?","Is there anything else you would like to tell us?"',
  ['startDate', 'endDate', 'status', 'ipAddress', 'progress', 'duration', 'finished', 'recordedDate', '_recordId', 'distributionChannel', 'userLanguage', 'QID1', 'QID1_NPS_GROUP', 'QID2', 'QID3']
    .map((id) => `"{""ImportId"":""${id}""${/date/i.test(id) ? ',""timeZone"":""America/Denver""' : ''}}"`).join(','),
];
const row = (status: number, recorded: string, id: string, nps: string, group: string, csat: string, comment: string) =>
  `${recorded},${recorded},${status},1.2.3.4,100,60,1,${recorded},${id},anonymous,EN,${nps},${group},${csat},${comment}`;

describe('Qualtrics survey responses', () => {
  it('read each export tag by its question: NPS, CSAT and comment rows; previews skipped; times in the declared zone', async () => {
    const ws = await newWorkspace();
    const csv = [...header,
      row(0, '2026-03-02 09:00:00', 'R_1', '10', 'Promoter', '5', 'Great'),
      row(0, '2026-03-02 10:00:00', 'R_2', '3', 'Detractor', '2', ''),
      row(1, '2026-03-02 11:00:00', 'R_3', '0', 'Detractor', '1', 'preview by the survey author'),
      row(0, '2026-03-02 12:00:00', 'R_4', '8', 'Passive', '', ''),
    ].join('\r\n');
    const s = await runImport(ws, write('qualtrics.csv', csv), {});
    expect(s).toMatchObject({ preset: 'qualtrics', kind: 'feedback', inserted: 6, rejected: 0, skipped: 3 });
    expect(s.notes).toContain("1 skipped: Qualtrics Survey Preview response (Status 1): not a respondent's answer");
    expect(ws.db.all('SELECT kind, value, scale, comment, ts FROM feedback ORDER BY ts, kind')).toEqual([
      { kind: 'comment', value: null, scale: null, comment: 'Great', ts: Date.UTC(2026, 2, 2, 16) },
      { kind: 'nps', value: 10, scale: 10, comment: null, ts: Date.UTC(2026, 2, 2, 16) },
      { kind: 'rating', value: 5, scale: 5, comment: null, ts: Date.UTC(2026, 2, 2, 16) },
      { kind: 'nps', value: 3, scale: 10, comment: null, ts: Date.UTC(2026, 2, 2, 17) },
      { kind: 'rating', value: 2, scale: 5, comment: null, ts: Date.UTC(2026, 2, 2, 17) },
      { kind: 'nps', value: 8, scale: 10, comment: null, ts: Date.UTC(2026, 2, 2, 19) },
    ]);
  });
});
