#!/usr/bin/env node
// Tiny shim: the program lives in dist/ (built by `npm install` / `npm run build`).
import { main } from '../dist/cli/main.js';
main(process.argv).then((code) => { process.exitCode = code; });
