/**
 * The labelled test corpus of the PII detectors: for each detector, texts holding a value it must find (the value is
 * written between ⟦ and ⟧), and near-misses it must leave alone (order numbers, dates, times, version strings,
 * epoch timestamps that look like phone numbers, ISBNs, UUIDs, hashes, ids). Test-only.
 *
 * Card numbers are the networks' published test numbers; IBANs are the ISO 13616 / ECBS examples; keys are made up in
 * each vendor's documented shape (AWS's own AKIAIOSFODNN7EXAMPLE, jwt.io's example token).
 */
import type { ScrubDetector } from '../../../../shared/contract-scrub';

export interface CorpusItem { detector: ScrubDetector; text: string }

const POSITIVE: Record<ScrubDetector, string[]> = {
  email: [
    'Please reply to ⟦jane.doe@example.com⟧ today.',
    'cc: ⟦j+tag@sub.example.co.uk⟧',
    'From ⟦First_Last@company.io⟧ via support',
    '<⟦x.y-z@mail.example.org⟧>',
    'user ⟦user123@gmail.com⟧, account 42',
    'Contact: ⟦m.müller@example.de⟧',
    '"email":"⟦ops-team@example.net⟧"',
    'Write to ⟦a@b.io⟧.',
  ],
  phone: [
    'Call me at ⟦+44 20 7946 0958⟧ after five.',
    'US office ⟦(202) 555-0143⟧',
    'mobile: ⟦+1 415-555-2671⟧',
    'Ruf uns an: ⟦+49 30 901820⟧',
    'Paris ⟦+33 1 42 68 53 00⟧',
    'Tokyo ⟦+81 3-1234-5678⟧',
    'WhatsApp ⟦+91 98765 43210⟧',
    'Sydney ⟦+61 2 9374 4000⟧',
    'phone ⟦4155552671⟧',
    'support line ⟦415.555.2671⟧ is open',
    // Known miss: a bare national number with no phone word before it is taken for an id (see detectors.ts).
    'reach me on ⟦4155552671⟧',
  ],
  card: [
    'my card is ⟦4111 1111 1111 1111⟧ exp 12/27',
    'MC ⟦5555555555554444⟧',
    'amex ⟦3782 822463 10005⟧',
    'discover ⟦6011-1111-1111-1117⟧',
    'visa ⟦4012888888881881⟧ charged twice',
    'JCB ⟦3530111333300000⟧',
    'card number: ⟦5105 1051 0510 5100⟧',
    // Known miss: dots are not taken as card group separators (they would also match version and decimal runs).
    'card ⟦4111.1111.1111.1111⟧',
  ],
  iban: [
    'Pay to ⟦DE89 3704 0044 0532 0130 00⟧ please',
    'IBAN: ⟦GB82WEST12345698765432⟧',
    'FR: ⟦FR1420041010050500013M02606⟧',
    'NL ⟦NL91ABNA0417164300⟧.',
    'refund to ⟦CH9300762011623852957⟧',
  ],
  ip: [
    'request from ⟦192.168.1.20⟧ failed',
    'host ⟦10.0.0.1⟧:8080',
    'client ⟦2001:db8::8a2e:370:7334⟧ connected',
    'link-local ⟦fe80::1ff:fe23:4567:890a⟧',
    'X-Forwarded-For: ⟦203.0.113.195⟧, ⟦70.41.3.18⟧',
    'full ⟦2001:0db8:85a3:0000:0000:8a2e:0370:7334⟧',
    'open http://⟦192.168.0.1⟧/admin',
  ],
  secret: [
    'OPENAI_API_KEY=⟦sk-proj-abcDEF1234567890abcdefGHIJklmn⟧',
    'use ⟦sk-ant-api03-AbCdEf0123456789_xyzXYZ-abcdefgh⟧ for claude',
    'aws key ⟦AKIAIOSFODNN7EXAMPLE⟧',
    'token ⟦ghp_1234567890abcdefghijklmnopqrstuvwxyzAB⟧',
    '⟦github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz⟧',
    'slack ⟦xoxb-1234567890-abcdefghijkl⟧',
    'jwt ⟦eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U⟧',
    'Authorization: Bearer ⟦abcdef1234567890ABCDEFxyz⟧',
    'api_key="⟦Zx8kQ2pL9mN4vR7t⟧"',
    'the secret is ⟦Xk9pQ2mL8vR4tZ7wB3nY6cF1hJ5sD0gA⟧',
    'password: ⟦hunter2hunter2⟧',
    'AWS secret ⟦wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY⟧',
  ],
};

const NEAR_MISS: Record<ScrubDetector, string[]> = {
  email: ['ssh to user@localhost', 'mention @jane in the thread', 'a @ b.com is not an address', 'name[at]example.com', 'version@1.2.3', 'pip install pkg==1.0 @ file.whl'],
  phone: [
    'released 2024-05-01 at 12:30:45', 'order 1234567890 shipped', 'ts 1700000000000', 'epoch 1732012345', 'version 10.4.2',
    'ISBN 978-3-16-148410-0', 'ISBN 0-306-40615-2', 'id 123e4567-e89b-12d3-a456-426614174000', 'pi is 3.14159265',
    'invoice 2023-0456-789', '2024-05-01T12:30:45Z', 'total 1,234,567.89', 'build 20240501.3', 'ticket #48213',
    'order number 2025550143',
  ],
  card: ['order 1234 5678 9012 3456', 'card 4111 1111 1111 1112', 'ts 1700000000000123', 'ref 9876543210987654', 'ISBN 9783161484100',
    'zeros 0000 0000 0000 0000', 'dates 2024-01-01 2024-02-02', 'tracking 1Z999AA10123456784'],
  iban: ['DE89370400440532013001 is a typo', 'GB00WEST12345698765432', 'US12 3456 7890 1234 5678', 'ISO8601 and RFC3339 formats', 'SKU AB12CD34EF56GH78'],
  ip: ['version 1.2.3.4', 'v10.0.0.1 release', 'semver 1.2.3.4.5', 'not an ip 999.1.1.1', 'at 12:30:45', 'MAC 00:1A:2B:3C:4D:5E',
    'std::vector<int>', 'date 2024.05.01', 'ratio 1:2:3'],
  secret: [
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'uuid 123e4567-e89b-12d3-a456-426614174000',
    'id chatcmpl-B5cJ8kLmN0pQ2rS4tU6vW8xY0zA2bCd', 'password: null', 'api_key = ${API_KEY}', 'sk-123 is a SKU',
    'this_is_a_very_long_identifier_name_in_snake_case', 'ThisIsAVeryLongCamelCaseIdentifierName',
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8', 'use a Bearer token', 'msg_01XFDUDYJgAACzvnptvVoYEL from the API',
    'https://example.com/path/to/some/resource/that/is/long',
  ],
};

/** A corpus text with the expected spans of its detector (the ⟦…⟧ marks removed). */
export interface LabelledText { detector: ScrubDetector; text: string; expected: Array<{ start: number; end: number }>; positive: boolean }

function label(detector: ScrubDetector, marked: string, positive: boolean): LabelledText {
  const expected: Array<{ start: number; end: number }> = [];
  let text = '';
  for (let i = 0; i < marked.length; i++) {
    if (marked[i] === '⟦') { expected.push({ start: text.length, end: -1 }); continue; }
    if (marked[i] === '⟧') { expected[expected.length - 1]!.end = text.length; continue; }
    text += marked[i];
  }
  return { detector, text, expected, positive };
}

/** Every corpus text, labelled. */
export function corpus(): LabelledText[] {
  const out: LabelledText[] = [];
  for (const [d, list] of Object.entries(POSITIVE)) for (const t of list) out.push(label(d as ScrubDetector, t, true));
  for (const [d, list] of Object.entries(NEAR_MISS)) for (const t of list) out.push(label(d as ScrubDetector, t, false));
  return out;
}
