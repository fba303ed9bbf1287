/**
 * A release as the build steps get it and hand it on (Mix's %Mix.Release{}): the validated definition,
 * the paths it is built at, and the facts each step resolves (base binary, bundle, executable, ...).
 * Steps never mutate it: each returns a copy with its facts added.
 */
import { dirname } from 'node:path';
import type { StartMode } from '@kvrel/runtime/internal';
import type { WorkspaceApplication } from '../config/workspace.js';
import type { BaseBinary } from '../sea/base-binary.js';
import type { Target } from '../sea/targets.js';

export interface ReleaseApplication extends WorkspaceApplication {
  readonly mode: StartMode;
}

export interface Release {
  readonly name: string;
  readonly version: string;
  /** Build env (prod unless told otherwise). */
  readonly env: string;
  readonly root: string;
  /** The release folder, e.g. <root>/_build/prod/rel/foo: only the publish step writes there (and the cookie). */
  readonly path: string;
  /**
   * Where the steps assemble releases/<version>: <workDir>/stage/releases/<version>, a folder laid out
   * as the release (bin/ and the overlays go to its root, assemblyRoot()). The publish step then copies
   * it into <path> and switches to it atomically, so a node running from <path> never sees a half-built
   * version.
   */
  readonly versionPath: string;
  /** Dependencies first. */
  readonly applications: readonly ReleaseApplication[];
  /** The Node to embed, as the definition's `node` or --node says: a pinned line ('24', '26') or a binary's path; undefined: the pinned Node 26 LTS. */
  readonly nodeRequested: string | undefined;
  /** The platform the executable is built for (definition or --target; default the host's). */
  readonly target: Target;
  readonly cookie: string | undefined;
  readonly tar: boolean;
  /** Folders copied into the release root: rel/overlays/ (when present) and the definition's overlays. */
  readonly overlays: readonly string[];
  /** npm packages kept on disk whatever the bundler finds. */
  readonly external: readonly string[];
  readonly keepOldVersions: boolean;
  /** kvrel's scratch folder for this release (bundle, cached executables): _build/<env>/kvrel-cache/<name>. */
  readonly workDir: string;
  /** Where --tar writes <name>-<version>.tar.gz. */
  readonly tarPath: string;

  // Facts resolved by the steps, in step order.
  /** Whether config/runtime.ts was compiled into the release (write-config). */
  readonly runtimeConfig?: boolean;
  /** The Node binary the executable is built on, and how vm.args reach it (resolve-base-binary). */
  readonly baseBinary?: BaseBinary;
  /** The node's code (URL releases/<vsn>/lib/node.mjs) and the packages kept on disk beside it (bundle). */
  readonly nodeBundle?: {
    /** The bundle as built: in kvrel's scratch folder when the executable carries it, else in lib/. */
    readonly file: string;
    readonly reused: boolean;
    /** Whether the executable carries the bundle (base Node with module.registerHooks) or lib/ holds it. */
    readonly inExecutable: boolean;
    readonly diskPackages: readonly string[];
    /** Folders of the project whose files ship beside the code, at their paths under lib/. */
    readonly besideFolders: readonly string[];
    /** Scripts bundled to their places under lib/ (workers, fork and cluster targets). */
    readonly emittedScripts: readonly string[];
    /** The project's own files the bundles hold (not copied beside the code). */
    readonly bundledProjectFiles: readonly string[];
  };
  /** Files copied beside the code this build (copy-beside-files). */
  readonly besideFiles?: number;
  /** Native addons in lib/ (paths relative to it), each loadable by the embedded Node (native-addons). */
  readonly addons?: readonly string[];
  /** The launcher bundled for the executable (bundle-launcher). */
  readonly launcherFile?: string;
  /** The node's code as the executable's asset, its source map inline (write-slice-asset); none when lib/ holds it. */
  readonly sliceAsset?: string;
  /** The built executable, and the hash of what it is made of (build-executable). */
  readonly executable?: {
    readonly path: string;
    readonly reused: boolean;
    readonly key: string;
    /** Only the node's code changed: the last executable's blob was replaced (sea/replace-sea-blob.ts). */
    readonly blobReplaced?: boolean;
  };
  /** The options of vm.args, as the executable took them (probe-executable). */
  readonly vmArgs?: readonly string[];
  /** Whether releases/COOKIE was kept or (re)written (write-cookie). */
  readonly cookieFile?: 'kept' | 'written';
  /** Folders of releases/ other than this version that live processes run from, kept (publish): folder → pids. */
  readonly keptInUse?: Readonly<Record<string, readonly number[]>>;
}

/** The root of the folder the steps assemble the release in (versionPath is its releases/<version>). */
export function assemblyRoot(release: Pick<Release, 'versionPath'>): string {
  return dirname(dirname(release.versionPath));
}

/** A fact a step needs from an earlier one; a missing one is a bug in the step list, not a user error. */
export function requireFact<K extends keyof Release>(release: Release, key: K, step: string): NonNullable<Release[K]> {
  const value = release[key];
  if (value === undefined || value === null) throw new Error(`release step "${step}" needs release.${String(key)}, which no earlier step set`);
  return value as NonNullable<Release[K]>;
}
