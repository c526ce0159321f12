#!/usr/bin/env node
// Tiny shim: the program lives in dist/ (built by `npm install` / `npm run build`: tsc, then
// scripts/bundle.js puts the CLI and its worker threads in one file each under dist/bundle/).
import { main } from '../dist/bundle/crm.js';
main(process.argv).then((code) => { process.exitCode = code; });
