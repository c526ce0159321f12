#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=1048576 node
// Tiny shim: the program lives in dist/ (built by `npm install` / `npm run build`: tsc, then
// scripts/bundle.js puts the CLI and its worker threads in one file each under dist/bundle/).
// The shebang fixes glibc's mmap threshold at 1 MiB (read once at start; other C libraries
// ignore it): a report's per-customer arrays are then each their own mapping, given back when
// freed, instead of holes in a heap glibc keeps (docs/architecture.md, "Memory given back").
import { main } from '../dist/bundle/crm.js';
main(process.argv).then((code) => { process.exitCode = code; });
