// `npm run doctor` → `node dist/ops/doctor-cli.js`: the Node version check first (see ../node-version.ts), then
// the doctor itself, loaded only once this Node can run it.
import { requireSupportedNode } from '../node-version.js';

requireSupportedNode();
await import('./doctor-run.js');
