// The light CLI (src/cli/light-commands.ts): the entry of dist/cli/biot-subs-light.cjs.
import { LIGHT_COMMANDS } from './light-commands.js';
import { startCli } from './start-cli.js';

startCli(LIGHT_COMMANDS);
