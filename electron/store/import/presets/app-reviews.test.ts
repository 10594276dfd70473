/**
 * App store reviews as feedback: Google Play Console's reviews report (UTF-16 CSV, its documented columns) and App
 * Store Connect's customerReviews (JSON:API). Before the presets the Play report was stored as requests without
 * text (no rating kept) and the App Store file was refused (its resource `type` read as the feedback kind).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';
import { metricsSeries } from '../../metrics/series';

const { write, newWorkspace } = useTempWorkspaces('loupe-app-reviews-');

const PLAY_HEADER = 'Package Name,App Version Code,App Version Name,Reviewer Language,Device,Review Submit Date and Time,Review Submit Millis Since Epoch,Review Last Update Date and Time,Review Last Update Millis Since Epoch,Star Rating,Review Title,Review Text,Developer Reply Date and Time,Developer Reply Millis Since Epoch,Developer Reply Text,Review Link';
const play = (n: number, stars: number, text: string, title = '') => {
  const ms = Date.UTC(2026, 2, 2, 10) + n * 7 * 3_600_000;
  const iso = new Date(ms).toISOString().replace('.000', '');
  return `com.acme.assistant,42,4.2.0,en,pixel8,${iso},${ms},${iso},${ms},${stars},${title},${text},,,,http://play.google.com/console/developers/1/app/2/user-feedback/review-details?reviewId=gp:AOqp${n}`;
};

describe('app store reviews', () => {
  it('a Google Play reviews report: one 1-5 star rating per review, none a request; CSAT from the stars', async () => {
    const ws = await newWorkspace();
    const csv = [PLAY_HEADER, play(0, 5, 'Great assistant'), play(1, 1, '"Wrong answers, ""hallucinates"""'), play(2, 4, ''), play(3, 2, 'Slow', 'Meh'), play(4, 5, 'Love it')].join('\r\n');
    // Play Console writes its reports as UTF-16 with a byte-order mark.
    const file = write('reviews_com.acme.assistant_202603.csv', '');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]));
    const s = await runImport(ws, file, {});
    expect(s).toMatchObject({ preset: 'google-play-reviews', kind: 'feedback', inserted: 5, rejected: 0 });
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(0);
    expect(ws.db.all('SELECT kind, value, scale, label, comment, ts, source FROM feedback ORDER BY ts')).toEqual([
      { kind: 'rating', value: 5, scale: 5, label: 'star rating', comment: 'Great assistant', ts: Date.UTC(2026, 2, 2, 10), source: 'google-play' },
      { kind: 'rating', value: 1, scale: 5, label: 'star rating', comment: 'Wrong answers, "hallucinates"', ts: Date.UTC(2026, 2, 2, 17), source: 'google-play' },
      { kind: 'rating', value: 4, scale: 5, label: 'star rating', comment: null, ts: Date.UTC(2026, 2, 3, 0), source: 'google-play' },
      { kind: 'rating', value: 2, scale: 5, label: 'star rating', comment: 'Meh — Slow', ts: Date.UTC(2026, 2, 3, 7), source: 'google-play' },
      { kind: 'rating', value: 5, scale: 5, label: 'star rating', comment: 'Love it', ts: Date.UTC(2026, 2, 3, 14), source: 'google-play' },
    ]);
    const w = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, Date.UTC(2026, 3, 1)).buckets.find((b) => b.csat.n > 0)!;
    expect([w.csat.n, w.csat.satisfied, w.csat.csat]).toEqual([5, 3, 0.6]);
    // The next month's report repeats the reviews still listed: nothing new.
    expect(await runImport(ws, file, {})).toMatchObject({ inserted: 0 });
  });

  it('a generic feedback file whose `type` column holds no feedback kinds is not read by it (every row was refused)', async () => {
    const ws = await newWorkspace();
    const file = write('reviews.csv', 'id,type,rating,comment,created_at\nr1,review,5,Great,2026-03-02T10:00:00Z\nr2,review,2,Slow,2026-03-02T11:00:00Z\n');
    const s = await runImport(ws, file, { kind: 'feedback' });
    expect(s).toMatchObject({ inserted: 2, rejected: 0 });
    expect(s.notes).toContain('kind: type is not read as the feedback kind (its values in the first records, e.g. "review", are no feedback kinds)');
    expect(ws.db.all('SELECT id, kind, value FROM feedback ORDER BY id')).toEqual([{ id: 'r1', kind: 'rating', value: 5 }, { id: 'r2', kind: 'rating', value: 2 }]);
    // A `type` column of feedback kinds is still read as the kind.
    const kinds = write('kinds.csv', 'id,type,value,created_at\nk1,thumb,up,2026-03-02T10:00:00Z\nk2,nps,9,2026-03-02T11:00:00Z\n');
    await runImport(ws, kinds, { kind: 'feedback' });
    expect(ws.db.all("SELECT id, kind FROM feedback WHERE id LIKE 'k%' ORDER BY id")).toEqual([{ id: 'k1', kind: 'thumb' }, { id: 'k2', kind: 'nps' }]);
  });

  it('App Store Connect customerReviews: ratings with title and body, at their createdDate', async () => {
    const ws = await newWorkspace();
    const review = (id: string, rating: number, title: string, body: string, createdDate: string) => ({
      type: 'customerReviews', id, attributes: { rating, title, body, reviewerNickname: `n${id}`, createdDate, territory: 'USA' }, links: { self: `https://api.appstoreconnect.apple.com/v1/customerReviews/${id}` },
    });
    const file = write('customerReviews.json', JSON.stringify({
      data: [review('00000027-0', 5, 'Great', 'Answers fast', '2026-03-02T03:15:00-07:00'), review('00000027-1', 1, 'Bad', 'Made things up', '2026-03-08T20:30:00-07:00'),
        review('00000027-2', 3, '', 'ok', '2026-03-03T10:00:00-07:00')],
      links: { self: 'x' }, meta: { paging: { total: 3, limit: 50 } },
    }));
    const s = await runImport(ws, file, {});
    expect(s).toMatchObject({ preset: 'app-store-reviews', kind: 'feedback', inserted: 3, rejected: 0 });
    expect(ws.db.all('SELECT id, kind, value, scale, comment, ts FROM feedback ORDER BY ts')).toEqual([
      { id: '00000027-0', kind: 'rating', value: 5, scale: 5, comment: 'Great — Answers fast', ts: Date.UTC(2026, 2, 2, 10, 15) },
      { id: '00000027-2', kind: 'rating', value: 3, scale: 5, comment: 'ok', ts: Date.UTC(2026, 2, 3, 17) },
      { id: '00000027-1', kind: 'rating', value: 1, scale: 5, comment: 'Bad — Made things up', ts: Date.UTC(2026, 2, 9, 3, 30) },
    ]);
  });
});
