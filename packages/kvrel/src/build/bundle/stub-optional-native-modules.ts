/**
 * esbuild plugin: optional native add-ons a dependency tries to load and falls back from (msgpackr's
 * msgpackr-extract, whose install script kvrel does not run) become empty modules, in the launcher
 * and in a node's bundle alike.
 */
import type { Plugin } from 'esbuild';

const OPTIONAL_NATIVE_MODULES = /^msgpackr-extract$/;

export const stubOptionalNativeModules: Plugin = {
  name: 'kvrel-stub-optional-native-modules',
  setup(build) {
    build.onResolve({ filter: OPTIONAL_NATIVE_MODULES }, (args) => ({ path: args.path, namespace: 'kvrel-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'kvrel-stub' }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
  },
};
