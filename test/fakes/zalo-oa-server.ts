/**
 * The fake Zalo OA API as a process of its own (started by `zalo-oa-process.ts`): prints its info (`url`, the
 * app's ids and secrets, the first token pair) once listening; SIGTERM or the end of stdin closes it.
 */
import { serveAsFakeProcess } from "./fake-process.js";
import { fakeOaInfo, startFakeZaloOa } from "./zalo-oa-api.js";

const fake = await startFakeZaloOa();
serveAsFakeProcess({ ...fakeOaInfo(fake) }, () => fake.close());
