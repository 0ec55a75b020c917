// A second studio process for the lock tests: takes the project lock of the folder given on the
// command line through the real lock module, says so on stdout, and holds it until it is killed.
import { acquireProjectLock } from '../../../../engine/projects/lock';

const folder = process.argv[2];
if (folder === undefined) throw new Error('usage: hold-lock.ts FOLDER');
const lock = await acquireProjectLock(folder);
process.stdout.write(`locked ${lock.owner.pid}\n`);
setInterval(() => undefined, 60_000);
