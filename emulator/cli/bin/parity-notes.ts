// `npm run parity-notes`: where this emulator deliberately differs from production, and how to
// switch to production's behaviour where an author might need it.
import { allParityNotes } from '../../parity-notes.ts';

for (const note of allParityNotes()) console.log(`- ${note}`);
