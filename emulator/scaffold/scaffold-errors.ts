// Every error the scaffolder raises: one formula ("Failed to create the extension project …:
// reason. Fix."), stable codes, asserted word for word in the tests.
import { EmulatorError } from '../errors.ts';

const PREFIX = 'Failed to create the extension project';

/** The name (from --name or the folder) breaks the naming rule. */
export function invalidNameError(name: string, from: 'option' | 'folder', reason: string, suggestion: string): EmulatorError {
  const source = from === 'option' ? 'given with --name' : 'taken from the folder name';
  return new EmulatorError(
    'SCAFFOLD_INVALID_NAME',
    `${PREFIX}: the name ${JSON.stringify(name)} (${source}) is not a valid extension name: ${reason}. Pass --name with a name such as --name ${suggestion}.`,
  );
}

/** The target folder holds files and --force was not given. */
export function dirNotEmptyError(shown: string, entries: readonly string[]): EmulatorError {
  const listed = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
  const count = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
  return new EmulatorError(
    'SCAFFOLD_DIR_NOT_EMPTY',
    `${PREFIX} in ${shown}: the folder is not empty (${count}: ${listed}). Pick a new or empty folder, or pass --force to write the project's files into it (files of the same name are overwritten, other files are kept).`,
  );
}

/** The target, or a folder on the way to it, is a file. */
export function notAFolderError(shown: string, file: string): EmulatorError {
  return new EmulatorError('SCAFFOLD_NOT_A_FOLDER', `${PREFIX} in ${shown}: ${file} is a file, not a folder. Pick another path for the project.`);
}

/** With --force, a path the project writes is occupied by the other kind of entry. */
export function pathConflictError(shown: string, rel: string, found: 'file' | 'folder'): EmulatorError {
  const needs = found === 'file' ? 'a folder' : 'a file';
  return new EmulatorError('SCAFFOLD_PATH_CONFLICT', `${PREFIX} in ${shown}: ${rel} is a ${found}, but the project needs ${needs} there. Move it away and run again.`);
}

/** Writing failed; everything written so far was removed (and overwritten files restored). */
export function writeFailedError(shown: string, reason: string, cause: unknown): EmulatorError {
  return new EmulatorError(
    'SCAFFOLD_WRITE_FAILED',
    `${PREFIX} in ${shown}: ${reason}. Nothing was left behind; check that the folder is writable and has free space, then run again.`,
    { cause },
  );
}
