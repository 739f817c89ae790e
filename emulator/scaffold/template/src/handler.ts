// The extension's handler: the Runner calls `handler` once per request to one of the endpoints in
// manifest.json. `npm run build` bundles this file and turns it into dist/main.wasm.
import { jsonResponse, type ExecuteRequest, type ExecuteResponse } from '@alga-psa/extension-runtime';
import { getContext } from 'alga:extension/context';
import { logInfo } from 'alga:extension/logging';
import * as storage from 'alga:extension/storage';

/** Where the notes live: one storage entry holding the whole list (needs cap:storage.kv). */
const NOTES = { namespace: 'notes', key: 'list' };
const MAX_NOTE_CHARS = 500;

export interface Note {
  id: number;
  text: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `GET /hello`: a greeting with the calling tenant (cap:context.read is granted to every extension). */
function hello(): ExecuteResponse {
  return jsonResponse({ message: 'Hello from __EXTENSION_NAME__!', tenant: getContext().tenantId });
}

/** `GET /notes`: every note, oldest first. */
function listNotes(): ExecuteResponse {
  return jsonResponse({ notes: readNotes().notes });
}

/** `POST /notes` with `{"text": "…"}`: appends a note and answers 201 with it. */
function addNote(request: ExecuteRequest): ExecuteResponse {
  const text = noteText(request.http.body);
  if (text === undefined) {
    return jsonResponse({ error: 'text_required', message: `send a JSON body {"text": "…"} with 1 to ${MAX_NOTE_CHARS} characters` }, { status: 400 });
  }
  // Compare-and-swap: write with the revision we read; another request writing in between makes
  // the put fail with `conflict`, and we read again.
  for (;;) {
    const { notes, revision } = readNotes();
    const note: Note = { id: notes.length + 1, text };
    try {
      storage.put({ ...NOTES, value: encoder.encode(JSON.stringify([...notes, note])), revision });
      logInfo(`note ${note.id} added`);
      return jsonResponse({ note }, { status: 201 });
    } catch (err) {
      if (witError(err) !== 'conflict') throw err;
    }
  }
}

function readNotes(): { notes: Note[]; revision: bigint | undefined } {
  try {
    const entry = storage.get(NOTES.namespace, NOTES.key);
    return { notes: JSON.parse(decoder.decode(entry.value)) as Note[], revision: entry.revision };
  } catch (err) {
    if (witError(err) === 'missing') return { notes: [], revision: undefined };
    throw err;
  }
}

function noteText(body: Uint8Array | null | undefined): string | undefined {
  try {
    const text = (JSON.parse(decoder.decode(body ?? new Uint8Array())) as { text?: unknown } | null)?.text;
    const trimmed = typeof text === 'string' ? text.trim() : '';
    return trimmed !== '' && trimmed.length <= MAX_NOTE_CHARS ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

/** Host calls that fail throw `{ payload }` with the WIT error case (`missing`, `conflict`, `denied`, …). */
function witError(err: unknown): string | undefined {
  return (err as { payload?: string } | undefined)?.payload;
}

export async function handler(request: ExecuteRequest): Promise<ExecuteResponse> {
  const path = new URL(request.http.url, 'http://extension.local').pathname;
  const route = `${request.http.method.toUpperCase()} ${path}`;
  if (route === 'GET /hello') return hello();
  if (route === 'GET /notes') return listNotes();
  if (route === 'POST /notes') return addNote(request);
  return jsonResponse({ error: 'not_found', route }, { status: 404 });
}
