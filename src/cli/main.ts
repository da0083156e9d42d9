#!/usr/bin/env node
// The whole CLI: the entry of dist/cli/biot-subs.cjs (scripts/bundle-cli.mjs).
import { ALL_COMMANDS } from './command-table.js';
import { startCli } from './start-cli.js';

startCli(ALL_COMMANDS);
