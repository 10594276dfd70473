/**
 * Answers with no text, through the presets that read model outputs: a tool call is stored as
 * `[tool call] name(arguments)` and an OpenAI refusal as its text, never as an empty output (a reviewer would read an
 * empty answer, and the length metrics would count none).
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';
import { chatText, toolCallText } from './common';

const { write, newWorkspace } = useTempWorkspaces('loupe-tools-');
const CALL = '[tool call] get_weather({"city":"Paris"})';
const openaiCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

describe('tool calls and refusals as text', () => {
  it('reads every documented tool-call shape the same way', () => {
    expect(toolCallText(openaiCall)).toBe(CALL);
    expect(toolCallText({ type: 'tool_call', id: 'c', name: 'get_weather', arguments: { city: 'Paris' } })).toBe(CALL); // OTel GenAI part
    expect(toolCallText({ name: 'get_weather', args: { city: 'Paris' }, id: 'c' })).toBe(CALL); // LangChain
    expect(toolCallText({ type: 'tool_use', id: 't', name: 'get_weather', input: { city: 'Paris' } })).toBe(CALL); // Anthropic block
    expect(chatText({ role: 'assistant', content: null, tool_calls: [openaiCall] })).toBe(CALL);
    expect(chatText({ role: 'assistant', content: null, refusal: "I can't help with that." })).toBe("I can't help with that.");
    expect(chatText({ role: 'assistant', content: [{ type: 'text', text: 'Checking. ' }, { type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } }] })).toBe(`Checking. ${CALL}`);
  });

  it('OpenAI chat completions and Langfuse generations store the call; a refusal stores its text', async () => {
    const ws = await newWorkspace();
    const chat = (id: string, message: Record<string, unknown>) => JSON.stringify({ id, object: 'chat.completion', created: 1772442000, model: 'gpt-4o', choices: [{ index: 0, message, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 5, completion_tokens: 5 } });
    await runImport(ws, write('chat.jsonl', [chat('chatcmpl-t', { role: 'assistant', content: null, tool_calls: [openaiCall] }), chat('chatcmpl-r', { role: 'assistant', content: null, refusal: 'No.' })].join('\n')), {});
    expect(ws.db.all('SELECT id, output FROM requests ORDER BY id')).toEqual([{ id: 'chatcmpl-r', output: 'No.' }, { id: 'chatcmpl-t', output: CALL }]);
    const ws2 = await newWorkspace();
    const obs = { id: 'obs-t', trace_id: 'tr', type: 'GENERATION', start_time: '2026-03-02 09:00:00.000', end_time: '2026-03-02 09:00:01.000', name: 'chat',
      input: [{ role: 'user', content: 'Weather in Paris?' }], output: { role: 'assistant', content: null, tool_calls: [openaiCall] }, provided_model_name: 'gpt-4o', usage_details: { input: 5, output: 5 } };
    await runImport(ws2, write('obs.jsonl', JSON.stringify(obs)), {});
    expect(ws2.db.value("SELECT output FROM requests WHERE id = 'obs-t'")).toBe(CALL);
  });
});

describe('streamed chat.completion.chunk records', () => {
  it('are skipped and counted with what to do, never stored as a completion with no text', async () => {
    const ws = await newWorkspace();
    const chunk = (i: number, delta: Record<string, unknown>, usage?: Record<string, number>) => JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1772442000, model: 'gpt-4o',
      choices: usage ? [] : [{ index: 0, delta, finish_reason: i === 2 ? 'stop' : null }], ...(usage ? { usage } : {}) });
    const lines = [chunk(0, { role: 'assistant', content: '' }), chunk(1, { content: 'Hello' }), chunk(2, { content: ' world' }), chunk(3, {}, { prompt_tokens: 5, completion_tokens: 2 })];
    const done = { id: 'chatcmpl-w', object: 'chat.completion', created: 1772442001, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'Whole.' }, finish_reason: 'stop' }] };
    const s = await runImport(ws, write('mixed.jsonl', [...lines, JSON.stringify(done)].join('\n')), {});
    expect([s.inserted, s.skipped]).toEqual([1, 4]);
    expect(s.skipped_reasons[0]!.reason).toMatch(/^chat\.completion\.chunk \(a piece of a streamed answer/);
    expect(ws.db.all('SELECT id, output FROM requests')).toEqual([{ id: 'chatcmpl-w', output: 'Whole.' }]);
  });
});
