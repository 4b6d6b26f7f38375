// `node --import <this file>`: registers loaded-modules-hooks.ts for the process (and its worker threads).
import { register } from 'node:module';

register('./loaded-modules-hooks.js', import.meta.url);
